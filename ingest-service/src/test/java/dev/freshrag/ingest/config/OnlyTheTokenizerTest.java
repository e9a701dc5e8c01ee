package dev.freshrag.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.tokenizer.ModelTokenizer;
import dev.freshrag.tokenizer.TokenizerFiles;
import org.junit.jupiter.api.Test;

/**
 * The ingest-service counts model tokens but never runs the model: neither ONNX Runtime nor the model jars (about
 * 150 MB of what it would ship) may come back onto its classpath, for example through a dependency on
 * freshrag-embedding. The tokenizer file it needs comes from freshrag-tokenizer.
 */
class OnlyTheTokenizerTest {

    @Test
    void noOnnxRuntimeAndNoModelFile() {
        assertThatThrownBy(() -> Class.forName("ai.onnxruntime.OrtEnvironment"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThat(getClass().getResource("/all-minilm-l6-v2.onnx")).isNull();
        assertThat(getClass().getResource("/all-minilm-l6-v2-q.onnx")).isNull();
    }

    @Test
    void theTokenizerFileComesFromTheTokenizerModule() {
        String file = ModelTokenizer.class.getResource(TokenizerFiles.ALL_MINILM_L6_V2).toString();
        String module = ModelTokenizer.class.getProtectionDomain().getCodeSource().getLocation().toString();
        // a directory (target/classes/) in the reactor, a jar (jar:file:...!/) from a repository
        assertThat(file).contains(module.replaceAll("/$", ""));
    }
}
