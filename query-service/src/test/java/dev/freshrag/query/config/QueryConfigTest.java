package dev.freshrag.query.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.ModelVariant;
import dev.freshrag.index.select.IndexKind;
import dev.freshrag.query.answer.LlmFailurePolicy;
import dev.freshrag.query.answer.PromptTokenCounter;
import dev.freshrag.query.llm.LoraMode;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The enum-valued options as SmallRye Config reads them at start: the spellings the README documents, and a
 * wrong value refused with the key, the value and the allowed values.
 */
class QueryConfigTest {

    private static QueryConfig config(Map<String, String> props) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(props, "test", 100))
                .withMapping(QueryConfig.class)
                .build()
                .getConfigMapping(QueryConfig.class);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        QueryConfig c = config(Map.of());
        assertThat(c.lora().mode()).isEqualTo(LoraMode.RUNTIME);
        assertThat(c.answer().onLlmFailure()).isEqualTo(LlmFailurePolicy.EXTRACTIVE);
        assertThat(c.answer().tokenCounter()).isEqualTo(PromptTokenCounter.Kind.EMBEDDER);
        assertThat(c.index().kind()).isEqualTo(IndexKind.LUCENE);
        assertThat(c.embedding().variant()).isEqualTo(ModelVariant.FP32);
        // unset: the model the index holds, bge-small-en-v1.5 for a new index
        assertThat(c.embedding().model()).isEmpty();
        assertThat(c.embedding().modelOrDefault()).isEqualTo(dev.freshrag.tokenizer.EmbeddingModel.BGE_SMALL_EN_V1_5);
    }

    @Test
    void theDocumentedValuesParse() {
        QueryConfig c = config(Map.of("freshrag.lora.mode", "resolver", "freshrag.answer.on-llm-failure", "error",
                "freshrag.answer.token-counter", "chars", "freshrag.index.kind", "qdrant",
                "freshrag.embedding.variant", "int8", "freshrag.embedding.target", "cuda"));
        assertThat(c.lora().mode()).isEqualTo(LoraMode.RESOLVER);
        assertThat(c.answer().onLlmFailure()).isEqualTo(LlmFailurePolicy.ERROR);
        assertThat(c.answer().tokenCounter()).isEqualTo(PromptTokenCounter.Kind.CHARS);
        assertThat(c.index().kind()).isEqualTo(IndexKind.QDRANT);
        assertThat(c.embedding().variant()).isEqualTo(ModelVariant.INT8);
        assertThat(c.embedding().target()).isEqualTo(ExecutionTarget.CUDA);
        assertThat(config(Map.of("freshrag.embedding.model", "all-minilm-l6-v2")).embedding().model())
                .contains(dev.freshrag.tokenizer.EmbeddingModel.ALL_MINILM_L6_V2);
        assertThat(config(Map.of("freshrag.answer.on-llm-failure", "extractive", "freshrag.lora.mode", "RUNTIME"))
                .answer().onLlmFailure()).isEqualTo(LlmFailurePolicy.EXTRACTIVE);
    }

    @Test
    void theQueryEmbedderRunsOnTheCpuUnlessTold() throws Exception {
        // the default differs from the embed-service's (auto): it is set in this service's application.properties
        Properties app = new Properties();
        try (var in = QueryConfigTest.class.getResourceAsStream("/application.properties")) {
            app.load(in);
        }
        assertThat(app.getProperty("freshrag.embedding.target")).isEqualTo("cpu");
    }

    @Test
    void aWrongValueIsRefusedNamingTheKeyAndTheChoices() {
        assertThatThrownBy(() -> config(Map.of("freshrag.answer.on-llm-failure", "retry")))
                .hasMessageContaining("freshrag.answer.on-llm-failure").hasMessageContaining("retry")
                .hasMessageContaining("extractive").hasMessageContaining("error");
        assertThatThrownBy(() -> config(Map.of("freshrag.lora.mode", "static")))
                .hasMessageContaining("freshrag.lora.mode").hasMessageContaining("runtime").hasMessageContaining("resolver");
        assertThatThrownBy(() -> config(Map.of("freshrag.answer.token-counter", "bpe")))
                .hasMessageContaining("freshrag.answer.token-counter").hasMessageContaining("embedder").hasMessageContaining("chars");
    }
}
