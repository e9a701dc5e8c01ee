package dev.freshrag.embed.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.embed.metrics.EmbedMetrics;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.index.DocumentMark;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneWriterIndex;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-document order across lanes, on the real model and a real Lucene index: the ingest-service diffs every change
 * against the one before it in kb.doc-changes, but the bulk and the live lane are applied in any order, so a live diff
 * can reach the index before the bulk change it was computed against. The index's document mark decides.
 */
class CrossLaneOrderTest {

    private static OnnxEmbedder embedder;
    private static IndexFingerprint fingerprint;

    @BeforeAll
    static void load() {
        embedder = OnnxEmbedder.load(EmbedderOptions.defaults().withTarget(ExecutionTarget.CPU));
        fingerprint = new IndexFingerprint(embedder.model().id(), embedder.model().dimension());
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EmbedMetrics metrics = new EmbedMetrics(registry);

    private static final String A = "Penguins live in the southern hemisphere.";
    private static final String B = "Polar bears live in the Arctic.";
    private static final String C = "Camels store fat in their humps.";
    private static final String D = "Owls hunt at night.";

    private static DocumentOps apply(long version, long offset, ChunkOp... ops) {
        return new DocumentOps("acme", "doc", version, DocumentOps.Kind.APPLY, "v" + version, Map.of(), List.of(ops),
                ops.length, 0, offset);
    }

    private static int write(BatchApplier applier, Lane lane, DocumentOps ops) {
        BatchPlan plan = BatchPlan.of(List.of(ops));
        return applier.write(lane, List.of(ops), applier.vectors(plan), SourceOffsets.applied(ops.sourcePartition(), ops.sourceOffset()));
    }

    @Test
    void aLiveEditAppliedBeforeTheBulkVersionItWasDiffedAgainstYieldsExactlyItsChunks(@TempDir Path dir) {
        try (LuceneWriterIndex index = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults())) {
            BatchApplier applier = new BatchApplier(embedder, index, new EmbeddingCache(100), metrics);
            // kb.doc-changes partition 0: @10 bulk v1 = {a, b}; @11 live v2 = {a, c} (diffed against v1)
            DocumentOps bulkV1 = apply(1, 10, ChunkOp.embed("a", 0, "ha", A), ChunkOp.embed("b", 1, "hb", B));
            DocumentOps liveV2 = apply(2, 11, ChunkOp.payload("a", 0, "ha", A), ChunkOp.delete("b"), ChunkOp.embed("c", 1, "hc", C));

            assertThat(write(applier, Lane.LIVE, liveV2)).isZero(); // the live lane overtakes
            assertThat(write(applier, Lane.BULK, bulkV1)).as("superseded").isEqualTo(1);

            assertThat(index.chunkIds("acme", "doc")).containsExactly("a", "c"); // a restored from the relabel's text
            assertThat(index.document("acme", "doc").orElseThrow().version()).isEqualTo(2);
            assertThat(index.documentMark("acme", "doc")).contains(new DocumentMark(2, false, 0, 11));
            // the skipped bulk write still counts as applied in its lane
            assertThat(index.appliedSourceOffsets(Lane.BULK)).isEqualTo(SourceOffsets.applied(0, 10));
            assertThat(index.appliedSourceOffsets(Lane.LIVE)).isEqualTo(SourceOffsets.applied(0, 11));
        }
    }

    @Test
    void aDeferredMarkerInTheLiveLaneChangesNothingAndIsRecordedBesideTheLivePosition(@TempDir Path dir) {
        try (LuceneWriterIndex index = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults())) {
            BatchApplier applier = new BatchApplier(embedder, index, new EmbeddingCache(100), metrics);
            write(applier, Lane.LIVE, apply(1, 9, ChunkOp.embed("a", 0, "ha", A)));
            // @10 an unmarked v2 the ingest deferred: a marker in the live lane, its operations in the bulk lane
            DocumentOps marker = new DocumentOps("acme", "doc", 0, DocumentOps.Kind.DEFERRED, null, null, null, 0, 0, 10);
            assertThat(write(applier, Lane.LIVE, marker)).isZero();

            assertThat(index.chunkIds("acme", "doc")).containsExactly("a");
            assertThat(index.documentMark("acme", "doc")).contains(new DocumentMark(1, false, 0, 9));
            assertThat(index.appliedSourceOffsets(Lane.LIVE)).isEqualTo(SourceOffsets.applied(0, 10));
            assertThat(index.appliedSourceOffsets(Lane.LIVE_DEFERRED)).isEqualTo(SourceOffsets.applied(0, 10));
            assertThat(index.deferredOffsets().contains(0, 10)).as("offset 10 is recorded as deferred").isTrue();
            assertThat(index.deferredOffsets().contains(0, 9)).as("offset 9 was applied live").isFalse();
            assertThat(index.appliedSourceOffsets(Lane.BULK).hasApplied(0, 10)).isFalse();

            assertThat(write(applier, Lane.BULK, apply(2, 10, ChunkOp.payload("a", 0, "ha", A), ChunkOp.embed("b", 1, "hb", B)))).isZero();
            assertThat(index.chunkIds("acme", "doc")).containsExactly("a", "b");
            assertThat(index.appliedSourceOffsets(Lane.BULK)).isEqualTo(SourceOffsets.applied(0, 10));
            assertThat(index.deferredOffsets().isEmpty()).as("the bulk lane applied it: nothing pending").isTrue();
        }
    }

    @Test
    void olderChunksLeftByAnOvertakenBulkChangeAreDeleted(@TempDir Path dir) {
        try (LuceneWriterIndex index = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults())) {
            BatchApplier applier = new BatchApplier(embedder, index, new EmbeddingCache(100), metrics);
            // @10 bulk v1 = {a, b}; @11 bulk v2 = {a, c} (drops b); @12 live v3 = {a, c, d} (diffed against v2)
            DocumentOps bulkV1 = apply(1, 10, ChunkOp.embed("a", 0, "ha", A), ChunkOp.embed("b", 1, "hb", B));
            DocumentOps bulkV2 = apply(2, 11, ChunkOp.payload("a", 0, "ha", A), ChunkOp.delete("b"), ChunkOp.embed("c", 1, "hc", C));
            DocumentOps liveV3 = apply(3, 12, ChunkOp.payload("a", 0, "ha", A), ChunkOp.payload("c", 1, "hc", C),
                    ChunkOp.embed("d", 2, "hd", D));

            write(applier, Lane.BULK, bulkV1);
            write(applier, Lane.LIVE, liveV3); // v3 knows nothing of b: only its version label says it is stale
            assertThat(write(applier, Lane.BULK, bulkV2)).isEqualTo(1);

            assertThat(index.chunkIds("acme", "doc")).containsExactly("a", "c", "d");
            assertThat(index.document("acme", "doc").orElseThrow().version()).isEqualTo(3);
        }
    }

    @Test
    void aLiveDeleteAppliedBeforeAnOlderBulkUpsertKeepsTheDocumentDeleted(@TempDir Path dir) {
        try (LuceneWriterIndex index = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults())) {
            BatchApplier applier = new BatchApplier(embedder, index, new EmbeddingCache(100), metrics);
            // @20 bulk v4 = {a, b}; @21 live DELETE v5
            DocumentOps bulkV4 = apply(4, 20, ChunkOp.embed("a", 0, "ha", A), ChunkOp.embed("b", 1, "hb", B));
            DocumentOps liveDelete = new DocumentOps("acme", "doc", 5, DocumentOps.Kind.DELETE_DOCUMENT, null, Map.of(),
                    List.of(), 0, 0, 21);

            write(applier, Lane.LIVE, liveDelete);
            assertThat(write(applier, Lane.BULK, bulkV4)).isEqualTo(1);

            assertThat(index.chunkIds("acme", "doc")).isEmpty();
            assertThat(index.documentMark("acme", "doc")).contains(new DocumentMark(5, true, 0, 21));

            // a later re-create (a newer source offset) applies again
            DocumentOps liveV6 = apply(6, 22, ChunkOp.embed("c", 0, "hc", C));
            assertThat(write(applier, Lane.LIVE, liveV6)).isZero();
            assertThat(index.chunkIds("acme", "doc")).containsExactly("c");
        }
    }

    @Test
    void inOrderTheLanesChangeNothingOfTheOutcome(@TempDir Path dir) {
        try (LuceneWriterIndex index = LuceneWriterIndex.open(dir, fingerprint, LuceneOptions.defaults())) {
            BatchApplier applier = new BatchApplier(embedder, index, new EmbeddingCache(100), metrics);
            DocumentOps bulkV1 = apply(1, 10, ChunkOp.embed("a", 0, "ha", A), ChunkOp.embed("b", 1, "hb", B));
            DocumentOps liveV2 = apply(2, 11, ChunkOp.payload("a", 0, "ha", A), ChunkOp.delete("b"), ChunkOp.embed("c", 1, "hc", C));

            assertThat(write(applier, Lane.BULK, bulkV1)).isZero();
            assertThat(write(applier, Lane.LIVE, liveV2)).isZero();
            assertThat(write(applier, Lane.LIVE, liveV2)).as("a redelivery applies again, idempotently").isZero();

            assertThat(index.chunkIds("acme", "doc")).containsExactly("a", "c");
        }
    }
}
