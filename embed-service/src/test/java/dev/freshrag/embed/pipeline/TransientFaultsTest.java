package dev.freshrag.embed.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.embed.health.EmbedFaultReadiness;
import dev.freshrag.embed.metrics.EmbedMetrics;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneWriterIndex;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults that are not the records' fault, on the real model and a real Lucene index: a model that fails for a while
 * (retried while readiness says DOWN, then everything indexed, nothing given up), and chunks a relabel expects but
 * the index lost (embedded again from the relabel's text).
 */
class TransientFaultsTest {

    private static OnnxEmbedder model;
    private static IndexFingerprint fingerprint;

    @BeforeAll
    static void load() {
        model = OnnxEmbedder.load(EmbedderOptions.defaults().withTarget(ExecutionTarget.CPU));
        fingerprint = new IndexFingerprint(model.model().id(), model.model().dimension());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EmbedMetrics metrics = new EmbedMetrics(registry);

    private double counter(String name) {
        return registry.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private static DocumentOps apply(long version, long offset, ChunkOp... ops) {
        return new DocumentOps("acme", "doc", version, DocumentOps.Kind.APPLY, "T v" + version, Map.of(), List.of(ops),
                ops.length, 0, offset);
    }

    private static final String PENGUINS = "Penguins live in the southern hemisphere.";
    private static final String BEARS = "Polar bears live in the Arctic.";

    @Test
    void aModelFailingForAWhileIsRetriedWithReadinessDownThenEverythingIsIndexed(@TempDir Path dir) throws Exception {
        int threshold = 3;
        FaultInjectingEmbedder embedder = new FaultInjectingEmbedder(model);
        try (LuceneWriterIndex index = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults())) {
            BatchApplier applier = new BatchApplier(embedder, index, new EmbeddingCache(100), metrics);
            // long enough backoffs for the test to look at readiness during the outage, short enough to be quick
            TransientFaultRetry retry = new TransientFaultRetry(Duration.ofMillis(20), Duration.ofMillis(200), metrics, () -> false);
            BatchPlan plan = BatchPlan.of(List.of(apply(1, 41, ChunkOp.embed("c1", 0, "h1", PENGUINS),
                    ChunkOp.embed("c2", 1, "h2", BEARS))));
            embedder.failNext(6);

            // as ChunkOpsConsumer does it, on its worker
            CompletableFuture<Void> batch = CompletableFuture.runAsync(() -> {
                Map<String, float[]> vectors = retry.call(() -> applier.vectors(plan));
                retry.run(() -> applier.write(plan, vectors));
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (retry.consecutiveFailures(TransientFaultRetry.Stage.MODEL) < threshold && !batch.isDone()) {
                assertThat(System.nanoTime()).as("the model outage reaches the readiness threshold").isLessThan(deadline);
                Thread.sleep(2);
            }
            HealthCheckResponse during = EmbedFaultReadiness.evaluate(retry, threshold);
            assertThat(during.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(during.getData().orElseThrow().get("lastError").toString()).contains("CUDA out of memory");
            assertThat(batch.isDone()).as("still retrying, nothing applied or given up").isFalse();
            assertThat(index.appliedSourceOffsets()).isEqualTo(SourceOffsets.NONE);

            batch.get(30, TimeUnit.SECONDS);

            assertThat(EmbedFaultReadiness.evaluate(retry, threshold).getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
            assertThat(embedder.calls()).isEqualTo(7);
            assertThat(counter("freshrag.embedding.retries")).isEqualTo(6);
            assertThat(counter("freshrag.index.retries")).isZero();
            assertThat(counter("freshrag.dlq")).isZero();
            assertThat(index.chunkIds("acme", "doc")).containsExactlyInAnyOrder("c1", "c2");
            assertThat(index.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 42L)));
        }
    }

    @Test
    void aModelFailureIsNeverTakenForTheRecordsFault(@TempDir Path dir) {
        FaultInjectingEmbedder embedder = new FaultInjectingEmbedder(model);
        try (LuceneWriterIndex index = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults())) {
            BatchApplier applier = new BatchApplier(embedder, index, new EmbeddingCache(100), metrics);
            embedder.failNext(1);
            BatchPlan plan = BatchPlan.of(List.of(apply(1, 1, ChunkOp.embed("c1", 0, "h1", PENGUINS))));
            // the type the retry counts as the model's, whatever the model threw
            assertThatThrownBy(() -> applier.vectors(plan)).isInstanceOf(EmbeddingFailedException.class)
                    .hasMessageContaining("CUDA out of memory");
            // a shutdown during the outage: not acknowledged, replayed by the next instance
            TransientFaultRetry stopping = new TransientFaultRetry(Duration.ofMillis(1), Duration.ofMillis(1), metrics, () -> true);
            embedder.failNext(1);
            assertThatThrownBy(() -> stopping.call(() -> applier.vectors(plan))).isInstanceOf(EmbeddingFailedException.class);
            assertThat(stopping.consecutiveFailures(TransientFaultRetry.Stage.MODEL)).isEqualTo(1);
            assertThat(stopping.consecutiveFailures(TransientFaultRetry.Stage.INDEX)).isZero();
        }
    }

    @Test
    void aRelabelOfAChunkTheIndexLostEmbedsItAgainFromItsText(@TempDir Path dir) {
        FaultInjectingEmbedder embedder = new FaultInjectingEmbedder(model);
        try (LuceneWriterIndex index = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults())) {
            BatchApplier applier = new BatchApplier(embedder, index, new EmbeddingCache(0), metrics);
            // v1 put c1 and c2 in the index; then the index lost c2 (rebuilt from kb.chunk-ops after v1 expired)
            BatchPlan v1 = BatchPlan.of(List.of(apply(1, 1, ChunkOp.embed("c1", 0, "h1", PENGUINS),
                    ChunkOp.embed("c2", 1, "h2", BEARS))));
            applier.write(v1, applier.vectors(v1));
            index.deletePoints("acme", "doc", List.of("c2"));
            index.commit(SourceOffsets.NONE);
            double embeddedBefore = counter("freshrag.chunks.embedded");

            // v2 changes only the title: both chunks are relabels, with their texts
            BatchPlan v2 = BatchPlan.of(List.of(apply(2, 2, ChunkOp.payload("c1", 0, "h1", PENGUINS),
                    ChunkOp.payload("c2", 1, "h2", BEARS))));
            applier.write(v2, applier.vectors(v2));

            assertThat(index.chunkIds("acme", "doc")).containsExactlyInAnyOrder("c1", "c2");
            assertThat(index.document("acme", "doc").orElseThrow().version()).isEqualTo(2);
            assertThat(index.document("acme", "doc").orElseThrow().chunks()).isEqualTo(2);
            assertThat(counter("freshrag.chunks.restored")).isEqualTo(1);
            // cheap: only the lost chunk went through the model, not the one the index still held
            assertThat(counter("freshrag.chunks.embedded") - embeddedBefore).isEqualTo(1);
            // with the vector of its own text
            var hit = index.search(new SearchQuery("acme", model.embed(BEARS), 1, Map.of())).get(0);
            assertThat(hit.chunkId()).isEqualTo("c2");
            assertThat(hit.score()).isGreaterThan(0.99f);
        }
    }

    @Test
    void aRelabelWithoutTextOfALostChunkIsCountedAndLeftMissing(@TempDir Path dir) {
        try (LuceneWriterIndex index = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults())) {
            BatchApplier applier = new BatchApplier(model, index, new EmbeddingCache(100), metrics);
            // a record written before relabels carried their text: nothing to embed the chunk from
            BatchPlan old = BatchPlan.of(List.of(apply(2, 2, ChunkOp.payload("c1", 0, "h1"))));
            applier.write(old, applier.vectors(old));
            assertThat(index.chunkIds("acme", "doc")).isEmpty();
            assertThat(counter("freshrag.index.payload.missing")).isEqualTo(1);
            assertThat(counter("freshrag.chunks.restored")).isZero();
        }
    }

    @Test
    void aLuceneWriterBrokenByAFullDiskIsReopenedAndTheRetriedBatchLands(@TempDir Path dir) throws Exception {
        FaultInjectingDirectory[] disk = new FaultInjectingDirectory[1];
        try (LuceneWriterIndex index = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults(),
                d -> disk[0] = new FaultInjectingDirectory(d))) {
            BatchApplier applier = new BatchApplier(model, index, new EmbeddingCache(100), metrics);
            TransientFaultRetry retry = new TransientFaultRetry(Duration.ofMillis(20), Duration.ofMillis(100), metrics, () -> false);
            BatchPlan plan = BatchPlan.of(List.of(apply(1, 41, ChunkOp.embed("c1", 0, "h1", PENGUINS),
                    ChunkOp.embed("c2", 1, "h2", BEARS))));
            Map<String, float[]> vectors = applier.vectors(plan);
            disk[0].full = true;

            CompletableFuture<Void> batch = CompletableFuture.runAsync(() -> retry.run(() -> applier.write(plan, vectors)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (retry.consecutiveFailures(TransientFaultRetry.Stage.INDEX) < 2) {
                assertThat(System.nanoTime()).as("the write fails while the disk is full").isLessThan(deadline);
                Thread.sleep(2);
            }
            assertThat(index.reopens()).as("the fatal error was met by reopening the writer").isPositive();
            disk[0].full = false; // room again

            batch.get(30, TimeUnit.SECONDS);
            assertThat(index.chunkIds("acme", "doc")).containsExactlyInAnyOrder("c1", "c2");
            assertThat(index.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 42L)));
            assertThat(index.isBroken()).isFalse();
            assertThat(counter("freshrag.index.retries")).isGreaterThanOrEqualTo(2);
        }
    }
}
