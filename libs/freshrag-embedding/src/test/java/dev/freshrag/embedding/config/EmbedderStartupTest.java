package dev.freshrag.embedding.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshrag.embedding.Embedder;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which model a service starts with next to an index: the default changed to bge-small-en-v1.5, and an index built
 * before (all-MiniLM-L6-v2, never named in the configuration) must go on being served and written with its own model.
 * Real models, loaded from the jars.
 */
class EmbedderStartupTest {

    @ConfigMapping(prefix = "freshrag")
    interface Root {
        EmbeddingSettings embedding();
    }

    private static EmbeddingSettings settings(Map<String, String> props) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(props, "test", 100))
                .withMapping(Root.class)
                .build()
                .getConfigMapping(Root.class).embedding();
    }

    private static String startedModel(Map<String, String> props, Optional<String> indexModelId) {
        try (Embedder embedder = EmbedderStartup.start(settings(props), indexModelId)) {
            return embedder.model().id();
        }
    }

    @Test
    void aNewIndexGetsBgeSmall() {
        assertEquals("bge-small-en-v1.5", startedModel(Map.of(), Optional.empty()));
    }

    @Test
    void unsetTheModelTheIndexHoldsIsKeptInItsBuild() {
        assertEquals("all-minilm-l6-v2", startedModel(Map.of(), Optional.of("all-minilm-l6-v2")));
        // the build too: an int8 index is not turned away for the default fp32
        assertEquals("all-minilm-l6-v2-q", startedModel(Map.of(), Optional.of("all-minilm-l6-v2-q")));
    }

    @Test
    void aConfiguredModelWinsAndTheIndexOpenRefusesAMismatchAsBefore() {
        // the service then fails at the index's fingerprint check, naming both models (LuceneWriterIndex.open)
        assertEquals("bge-small-en-v1.5", startedModel(Map.of("freshrag.embedding.model", "bge-small-en-v1.5"), Optional.of("all-minilm-l6-v2")));
    }

    @Test
    void anIndexOfAModelThatIsNotShippedGetsTheDefaultAndItsOwnRefusal() {
        // e.g. built through a remote TEI server: in process, nothing can embed for it
        assertEquals("bge-small-en-v1.5", startedModel(Map.of(), Optional.of("BAAI/bge-base-en-v1.5")));
    }
}
