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
    void theModelsRunsAreCountedUnderItsModelIdWhateverEmbedderInstanceRanThem(@TempDir Path dir) {
        String model = embedder.model().id();
        try (LuceneWriterIndex lucene = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults())) {
            dev.freshrag.embedding.ModelRunTotals before = embedder.runTotals().orElseThrow();
            BatchApplier applier = new BatchApplier(embedder, lucene, new EmbeddingCache(100), metrics);
            // a second applier on the same embedder (a generation's writer) must not count its runs twice
            new BatchApplier(embedder, lucene, new EmbeddingCache(100), metrics);
            applier.vectors(plan(1));
            dev.freshrag.embedding.ModelRunTotals ran = embedder.runTotals().orElseThrow().since(before);
            assertThat(ran.texts()).isEqualTo(2);
            double text = registry.find("freshrag.embedding.tokens").tags("model", model, "kind", "text")
                    .functionCounter().count();
            double padding = registry.find("freshrag.embedding.tokens").tags("model", model, "kind", "padding")
                    .functionCounter().count();
            // the embedder is shared by the class's tests: the meter holds all of its runs, this one's among them
            assertThat(text).isEqualTo(embedder.runTotals().orElseThrow().tokens());
            assertThat(padding).isEqualTo(embedder.runTotals().orElseThrow().paddedTokens() - text);
            assertThat(registry.find("freshrag.embedding.model.cpu").tag("model", model).functionCounter().count())
                    .isPositive().isEqualTo(embedder.runTotals().orElseThrow().cpuNanos() / 1e9);
            assertThat(registry.find("freshrag.embedding.runs").tag("model", model).functionCounter().count())
                    .isEqualTo(embedder.runTotals().orElseThrow().runs());
        }
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

    /** A document of {@code chunks} chunks over three distinct texts (the model runs three times). */
    private static DocumentOps large(long version, int chunks) {
        List<ChunkOp> ops = new java.util.ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            ops.add(ChunkOp.embed("big-" + i, i, "h" + (i % 3), "Paragraph kind " + (i % 3) + " of a very long document."));
        }
        return new DocumentOps("acme", "big", version, DocumentOps.Kind.APPLY, "Big", Map.of(), ops, chunks, 0, version);
    }

    @Test
    void aLargeDocumentIsPreparedOnTheCallersThreadAndAddedWhole(@TempDir Path dir) throws Exception {
        try (LuceneWriterIndex lucene = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults())) {
            PrepareRecordingIndex index = new PrepareRecordingIndex(lucene);
            BatchApplier applier = new BatchApplier(embedder, index, new EmbeddingCache(100), metrics);
            DocumentOps big = large(1, 1_200);
            DocumentOps small = new DocumentOps("acme", "small", 1, DocumentOps.Kind.APPLY, "S", Map.of(),
                    List.of(ChunkOp.embed("s1", 0, "hs", "A short note.")), 1, 0, 2);
            Map<String, float[]> vectors = applier.vectors(BatchPlan.of(List.of(big, small)));

            java.util.concurrent.ExecutorService writerThread = java.util.concurrent.Executors.newSingleThreadExecutor(
                    r -> new Thread(r, "test-index-writer"));
            try (PreparedWrites prepared = applier.prepare(List.of(big, small), vectors)) {
                writerThread.submit(() -> applier.write(dev.freshrag.index.Lane.BULK, List.of(big, small), vectors,
                        SourceOffsets.NONE, prepared)).get();
            } finally {
                writerThread.shutdownNow();
            }

            assertThat(index.preparedOn).as("prepared only for the large document, on the caller's thread")
                    .containsExactly(Thread.currentThread().getName());
            assertThat(index.preparedWrites).containsExactly(1_200);
            assertThat(index.plainWrites).containsExactly(1);
            assertThat(lucene.chunkIds("acme", "big")).hasSize(1_200);
            assertThat(lucene.chunkIds("acme", "small")).containsExactly("s1");
        }
    }

    @Test
    void aPreparedWriteIsUsedOnlyForExactlyThePointsItWasMadeFor(@TempDir Path dir) {
        try (LuceneWriterIndex lucene = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults())) {
            PrepareRecordingIndex index = new PrepareRecordingIndex(lucene);
            BatchApplier applier = new BatchApplier(embedder, index, new EmbeddingCache(100), metrics);
            DocumentOps prepareFor = large(2, 1_200);
            DocumentOps written = large(2, 1_100); // same document and version, other chunks
            Map<String, float[]> vectors = applier.vectors(BatchPlan.of(List.of(prepareFor)));

            try (PreparedWrites prepared = applier.prepare(List.of(prepareFor), vectors)) {
                applier.write(dev.freshrag.index.Lane.LIVE, List.of(written), vectors, SourceOffsets.NONE, prepared);
            }

            assertThat(index.preparedWrites).isEmpty();
            assertThat(index.plainWrites).containsExactly(1_100);
            assertThat(lucene.chunkIds("acme", "big")).hasSize(1_100);
        }
    }
}
