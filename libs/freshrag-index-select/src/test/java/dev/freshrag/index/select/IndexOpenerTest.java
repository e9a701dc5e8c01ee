package dev.freshrag.index.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.VectorIndexReader;
import dev.freshrag.index.VectorIndexWriter;
import dev.freshrag.index.lucene.LuceneReaderIndex;
import dev.freshrag.index.lucene.LuceneWriterIndex;
import dev.freshrag.index.qdrant.QdrantOptions;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings as the services' SmallRye Config reads them, and the index each kind opens. */
class IndexOpenerTest {

    @ConfigMapping(prefix = "freshrag")
    interface Root {
        IndexSettings index();
    }

    private static IndexSettings settings(Map<String, String> props) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(props, "test", 100))
                .withMapping(Root.class)
                .build();
        return config.getConfigMapping(Root.class).index();
    }

    private static final IndexFingerprint FP = new IndexFingerprint("all-minilm-l6-v2", 384);

    @Test
    void defaultsAreTheEmbeddedIndex() {
        IndexSettings s = settings(Map.of());
        assertThat(s.kind()).isEqualTo(IndexKind.LUCENE);
        assertThat(s.lucene().path()).isEqualTo("data/index");
        assertThat(s.lucene().refreshInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.qdrant().port()).isEqualTo(6334);
        assertThat(s.qdrant().apiKey()).isEmpty();
    }

    @Test
    void theKindIsReadCaseInsensitivelyAndAnUnknownOneIsRefusedAtStartNamingTheChoices() {
        assertThat(settings(Map.of("freshrag.index.kind", "qdrant")).kind()).isEqualTo(IndexKind.QDRANT);
        assertThat(settings(Map.of("freshrag.index.kind", "Lucene")).kind()).isEqualTo(IndexKind.LUCENE);
        assertThatThrownBy(() -> settings(Map.of("freshrag.index.kind", "faiss")))
                .hasMessageContaining("freshrag.index.kind").hasMessageContaining("faiss")
                .hasMessageContaining("lucene").hasMessageContaining("qdrant");
    }

    @Test
    void luceneWriterAndReaderOpenTheSameDirectory(@TempDir Path dir) {
        IndexSettings s = settings(Map.of("freshrag.index.lucene.path", dir.toString()));
        try (VectorIndexWriter writer = IndexOpener.openWriter(s, FP);
             VectorIndexReader reader = IndexOpener.openReader(s, FP)) {
            assertThat(writer).isInstanceOf(LuceneWriterIndex.class);
            assertThat(reader).isInstanceOf(LuceneReaderIndex.class).isNotInstanceOf(VectorIndexWriter.class);
            assertThat(reader.fingerprint()).isEqualTo(FP);
        }
        assertThat(IndexOpener.describe(s)).contains(dir.toString()).contains("Lucene");
    }

    @Test
    void aGenerationIsOpenedInItsOwnDirectoryAndGenerationOneAtTheRoot(@TempDir Path dir) {
        IndexSettings s = settings(Map.of("freshrag.index.lucene.path", dir.toString()));
        java.time.Instant now = java.time.Instant.parse("2026-11-30T12:00:00Z");
        dev.freshrag.index.generation.Generations one = IndexOpener.lucenePlan(s).openOrAdopt(FP, 256, now);
        dev.freshrag.index.generation.Generations two = IndexOpener.lucenePlan(s)
                .change(one, one.start("bge-small-en-v1.5", 384, 512, now));
        dev.freshrag.index.generation.Generation g2 = two.building().orElseThrow();
        try (VectorIndexWriter writer = IndexOpener.openWriter(s, g2);
             VectorIndexReader reader = IndexOpener.openReader(s, g2);
             VectorIndexWriter g1 = IndexOpener.openWriter(s, two.active())) {
            assertThat(((LuceneWriterIndex) writer).path()).isEqualTo(dir.toAbsolutePath().resolve("g2"));
            assertThat(reader.fingerprint()).isEqualTo(new IndexFingerprint("bge-small-en-v1.5", 384));
            assertThat(((LuceneWriterIndex) g1).path()).isEqualTo(dir.toAbsolutePath());
        }
        assertThatThrownBy(() -> IndexOpener.qdrantGenerations(s)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lucene, not qdrant");
    }

    /** What a service started without a configured model adopts: nothing for a new index, else what it holds. */
    @Test
    void theExistingFingerprintIsTheRootIndexsOrTheActiveGenerationsAndNoneForANewIndex(@TempDir Path dir) {
        IndexSettings s = settings(Map.of("freshrag.index.lucene.path", dir.resolve("index").toString()));
        assertThat(IndexOpener.existingFingerprint(s)).isEmpty(); // no directory yet
        try (VectorIndexWriter writer = IndexOpener.openWriter(s, FP)) {
            assertThat(writer.fingerprint()).isEqualTo(FP);
        }
        // an index from before generations (no pointer): the model its commit records, not any default
        assertThat(IndexOpener.plan(s)).isEmpty();
        assertThat(IndexOpener.existingFingerprint(s)).contains(FP);
        // after a switch, the active generation's
        java.time.Instant now = java.time.Instant.parse("2026-12-01T06:00:00Z");
        IndexFingerprint bge = new IndexFingerprint("bge-small-en-v1.5", 384);
        dev.freshrag.index.generation.Generations one = IndexOpener.lucenePlan(s).openOrAdopt(FP, 256, now);
        dev.freshrag.index.generation.Generations two = IndexOpener.lucenePlan(s)
                .change(one, one.start(bge.modelId(), 384, 256, now));
        assertThat(IndexOpener.existingFingerprint(s)).contains(FP); // building, not active yet
        IndexOpener.lucenePlan(s).change(two, two.switchToBuilding());
        assertThat(IndexOpener.existingFingerprint(s)).contains(bge);
    }

    @Test
    void qdrantOptionsCarryEverySetting() {
        IndexSettings s = settings(Map.of("freshrag.index.kind", "qdrant", "freshrag.index.qdrant.host", "qdrant.internal",
                "freshrag.index.qdrant.api-key", "secret-key", "freshrag.index.qdrant.tls", "true",
                "freshrag.index.qdrant.timeout", "PT3S", "freshrag.index.qdrant.replication-factor", "2"));
        QdrantOptions o = IndexOpener.qdrantOptions(s.qdrant());
        assertThat(o.host()).isEqualTo("qdrant.internal");
        assertThat(o.apiKey()).contains("secret-key");
        assertThat(o.tls()).isTrue();
        assertThat(o.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.replicationFactor()).hasValue(2);
        assertThat(o.shardNumber()).isEmpty();
        assertThat(IndexOpener.describe(s)).doesNotContain("secret-key");
    }

    @Test
    void anUnreachableQdrantIsReportedAsUnavailable() {
        IndexSettings s = settings(Map.of("freshrag.index.kind", "qdrant", "freshrag.index.qdrant.port", "1",
                "freshrag.index.qdrant.timeout", "PT1S"));
        assertThatThrownBy(() -> IndexOpener.openReader(s, FP)).isInstanceOf(IndexUnavailableException.class);
    }
}
