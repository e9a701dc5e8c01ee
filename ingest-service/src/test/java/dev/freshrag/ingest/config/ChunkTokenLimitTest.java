package dev.freshrag.ingest.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chunk token limit follows {@code freshrag.embedding.model}, and never exceeds the model's max length. */
class ChunkTokenLimitTest {

    private static IngestConfig config(Map<String, String> props) {
        return new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(props, "test", 100))
                .withMapping(IngestConfig.class)
                .build()
                .getConfigMapping(IngestConfig.class);
    }

    @Test
    void unsetTheLimitIs256ForEitherModel() {
        assertThat(config(Map.of()).embedding().model()).isEmpty();
        assertThat(config(Map.of()).chunkMaxTokens()).isEqualTo(256);
        assertThat(config(Map.of("freshrag.embedding.model", "all-minilm-l6-v2")).chunkMaxTokens()).isEqualTo(256);
        assertThat(config(Map.of("freshrag.embedding.model", "bge-small-en-v1.5")).chunkMaxTokens()).isEqualTo(256);
    }

    @Test
    void aSmallerLimitIsKeptAndBgeTakesUpTo512WhenNamed() {
        assertThat(config(Map.of("freshrag.embedding.model", "bge-small-en-v1.5", "freshrag.chunking.max-tokens", "300"))
                .chunkMaxTokens()).isEqualTo(300);
        assertThat(config(Map.of("freshrag.embedding.model", "bge-small-en-v1.5", "freshrag.chunking.max-tokens", "512"))
                .chunkMaxTokens()).isEqualTo(512);
        assertThat(config(Map.of("freshrag.chunking.max-tokens", "128")).chunkMaxTokens()).isEqualTo(128);
    }

    @Test
    void aLimitAboveTheModelsLengthIsRefusedNamingBothKeys() {
        IngestConfig c = config(Map.of("freshrag.chunking.max-tokens", "512", "freshrag.embedding.model", "all-minilm-l6-v2"));
        assertThatThrownBy(c::chunkMaxTokens).hasMessageContaining("freshrag.chunking.max-tokens=512")
                .hasMessageContaining("freshrag.embedding.model=all-minilm-l6-v2").hasMessageContaining("256");
    }

    @Test
    void withTheModelUnsetALimitAbove256IsRefusedSayingWhy() {
        // the ingest does not see the index: it may hold all-MiniLM-L6-v2, whose vectors end at 256 tokens
        IngestConfig c = config(Map.of("freshrag.chunking.max-tokens", "300"));
        assertThatThrownBy(c::chunkMaxTokens).hasMessageContaining("freshrag.chunking.max-tokens=300")
                .hasMessageContaining("256 tokens").hasMessageContaining("freshrag.embedding.model is unset");
    }

    @Test
    void anUnknownModelIsRefusedWithTheAllowedValues() {
        assertThatThrownBy(() -> config(Map.of("freshrag.embedding.model", "e5-small-v2")))
                .hasMessageContaining("freshrag.embedding.model").hasMessageContaining("e5-small-v2")
                .hasMessageContaining("all-minilm-l6-v2, bge-small-en-v1.5");
    }
}
