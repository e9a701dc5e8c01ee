package dev.freshrag.embed.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.embed.metrics.EmbedMetrics;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneWriterIndex;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The applier on the real model and a real Lucene index: cache, idempotent writes, retries on outages. */
class BatchApplierTest {

    private static OnnxEmbedder embedder;
    private static IndexFingerprint fingerprint;

    @BeforeAll
    static void load() {
        embedder = OnnxEmbedder.load(EmbedderOptions.defaults().withTarget(dev.freshrag.embedding.ExecutionTarget.CPU));
        fingerprint = new IndexFingerprint(embedder.model().id(), embedder.model().dimension());
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EmbedMetrics metrics = new EmbedMetrics(registry);

    private static BatchPlan plan(long offset) {
        return BatchPlan.of(List.of(new DocumentOps("acme", "doc", 1, DocumentOps.Kind.APPLY, "T", Map.of(),
                List.of(ChunkOp.embed("c1", 0, "h1", "Penguins live in the southern hemisphere."),
                        ChunkOp.embed("c2", 1, "h2", "Polar bears live in the Arctic.")), 2, 0, offset)));
    }

    private double counter(String name) {
        return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Test
    void anOutageIsRetriedUntilTheWriteIsDurable(@TempDir Path dir) {
        try (LuceneWriterIndex lucene = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults())) {
            FaultInjectingIndex index = new FaultInjectingIndex(lucene, 3);
            BatchApplier applier = new BatchApplier(embedder, index, new EmbeddingCache(100), metrics);
            TransientFaultRetry retry = new TransientFaultRetry(Duration.ofMillis(1), Duration.ofMillis(4), metrics, () -> false);
            BatchPlan plan = plan(41);
            Map<String, float[]> vectors = applier.vectors(plan);
            retry.run(() -> applier.write(plan, vectors));
            assertThat(index.commitAttempts.get()).isEqualTo(4);
            assertThat(counter("freshrag.index.retries")).isEqualTo(3);
            assertThat(retry.consecutiveFailures()).isZero();
            assertThat(lucene.chunkIds("acme", "doc")).containsExactlyInAnyOrder("c1", "c2");
            assertThat(lucene.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 42L)));
        }
    }

    @Test
    void aShutdownDuringAnOutageLeavesTheBatchUnacknowledged(@TempDir Path dir) {
        try (LuceneWriterIndex lucene = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults())) {
            FaultInjectingIndex index = new FaultInjectingIndex(lucene, 100);
            BatchApplier applier = new BatchApplier(embedder, index, new EmbeddingCache(100), metrics);
            TransientFaultRetry retry = new TransientFaultRetry(Duration.ofMillis(1), Duration.ofMillis(4), metrics, () -> true);
            BatchPlan plan = plan(7);
            Map<String, float[]> vectors = applier.vectors(plan);
            assertThatThrownBy(() -> retry.run(() -> applier.write(plan, vectors))).isInstanceOf(IndexUnavailableException.class);
            assertThat(lucene.appliedSourceOffsets()).isEqualTo(SourceOffsets.NONE);
        }
        // nothing was committed: a new writer (the next embed-service) sees an empty index and replays
        try (LuceneWriterIndex reopened = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults())) {
            assertThat(reopened.chunkIds("acme", "doc")).isEmpty();
        }
    }

    @Test
    void textAlreadyEmbeddedComesFromTheCacheAndAReplayChangesNothing(@TempDir Path dir) {
        try (LuceneWriterIndex lucene = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults())) {
            BatchApplier applier = new BatchApplier(embedder, lucene, new EmbeddingCache(100), metrics);
            BatchPlan plan = plan(1);
            applier.write(plan, applier.vectors(plan));
            assertThat(counter("freshrag.chunks.embedded")).isEqualTo(2);
            BatchPlan replay = plan(1);
            applier.write(replay, applier.vectors(replay));
            assertThat(counter("freshrag.chunks.embedded")).isEqualTo(2);
            assertThat(counter("freshrag.chunks.reused")).isEqualTo(2);
            assertThat(lucene.chunkIds("acme", "doc")).containsExactlyInAnyOrder("c1", "c2");
            assertThat(lucene.document("acme", "doc").orElseThrow().chunks()).isEqualTo(2);
        }
    }
}
