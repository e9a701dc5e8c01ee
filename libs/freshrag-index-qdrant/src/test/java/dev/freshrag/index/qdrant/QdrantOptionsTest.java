package dev.freshrag.index.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QdrantOptionsTest {

    @Test
    void defaultsAreALocalPlainTextQdrantOnItsGrpcPort() {
        QdrantOptions o = QdrantOptions.defaults();

        assertThat(o.host()).isEqualTo("localhost");
        assertThat(o.port()).isEqualTo(6334);
        assertThat(o.apiKey()).isEmpty();
        assertThat(o.tls()).isFalse();
        assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.collectionPrefix()).isEqualTo("freshrag");
        assertThat(o.alias()).isEqualTo("freshrag-chunks");
        assertThat(o.shardNumber()).isEmpty();
        assertThat(o.replicationFactor()).isEmpty();
    }

    @Test
    void withersChangeOneThing() {
        QdrantOptions o = QdrantOptions.defaults().withEndpoint("qdrant.internal", 16334).withApiKey("s3cret")
                .withTls(true).withTimeout(Duration.ofSeconds(3)).withCollectionPrefix("kb").withAlias("kb-live")
                .withShardNumber(4).withReplicationFactor(2);

        assertThat(o).isEqualTo(new QdrantOptions("qdrant.internal", 16334, Optional.of("s3cret"), true,
                Duration.ofSeconds(3), "kb", "kb-live", java.util.OptionalInt.of(4), java.util.OptionalInt.of(2)));
        assertThat(o.withApiKey(null).apiKey()).isEmpty();
        assertThat(o.withApiKey("  ").apiKey()).as("an empty config value means no key").isEmpty();
    }

    @Test
    void theApiKeyNeverAppearsInItsText() {
        assertThat(QdrantOptions.defaults().withApiKey("s3cret").toString()).doesNotContain("s3cret").contains("***");
    }

    @Test
    void nonsenseIsRefused() {
        QdrantOptions d = QdrantOptions.defaults();
        assertThatThrownBy(() -> d.withEndpoint(" ", 6334)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withEndpoint("h", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withAlias("a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withCollectionPrefix("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withShardNumber(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> d.withReplicationFactor(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
