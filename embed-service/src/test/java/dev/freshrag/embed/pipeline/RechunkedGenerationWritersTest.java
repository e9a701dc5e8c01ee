package dev.freshrag.embed.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.embed.metrics.EmbedMetrics;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.Generations;
import dev.freshrag.index.lucene.LuceneGenerations;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneWriterIndex;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A re-chunking reindex in the pipeline (same model, g1 chunked at 256 tokens, g2 at 128 and so chunked apart): the
 * ingest's untagged APPLY reaches g1 only, g2's tagged APPLY g2 only, while a DELETE_DOCUMENT and position-only records
 * (untagged, the same in every chunking) reach both; after a switch the same holds with g2 active, and the active
 * model embeds only what the active generation takes.
 */
class RechunkedGenerationWritersTest {

    private static OnnxEmbedder minilm;

    @BeforeAll
    static void load() {
        minilm = OnnxEmbedder.load(EmbedderOptions.defaults().withTarget(ExecutionTarget.CPU));
    }

    @AfterAll
    static void close() {
        minilm.close();
    }

    private final EmbedMetrics metrics = new EmbedMetrics(new SimpleMeterRegistry());
    private final Map<DocumentOps, String> tags = new IdentityHashMap<>();
    private final Function<DocumentOps, String> tagOf = tags::get;

    private static DocumentOps apply(String doc, long version, long offset, ChunkOp... ops) {
        return new DocumentOps("acme", doc, version, DocumentOps.Kind.APPLY, doc, Map.of(), List.of(ops), ops.length, 0, offset);
    }

    private static DocumentOps of(DocumentOps.Kind kind, String doc, long version, long offset) {
        return new DocumentOps("acme", doc, version, kind, null, null, null, 0, 0, offset);
    }

    private DocumentOps tagged(String generation, DocumentOps ops) {
        tags.put(ops, generation);
        return ops;
    }

    private void write(GenerationWriters writers, Lane lane, long upTo, DocumentOps... ops) {
        List<DocumentOps> slice = List.of(ops);
        Map<String, float[]> active = writers.active().vectors(BatchPlan.of(writers.forActive(slice, tagOf)));
        writers.write(lane, slice, tagOf, writers.activeId(), active, writers.secondVectors(slice, tagOf),
                SourceOffsets.applied(0, upTo), PreparedWrites.NONE);
    }

    @Test
    void eachGenerationGetsOnlyTheChunksOfItsOwnChunking(@TempDir Path root) {
        LuceneGenerations layout = LuceneGenerations.at(root);
        IndexFingerprint print = new IndexFingerprint(minilm.model().id(), minilm.model().dimension());
        Generations plan = layout.openOrAdopt(print, 256, Instant.now());
        Generations started = layout.change(plan, plan.start(minilm.model().id(), minilm.model().dimension(), 128, Instant.now()));
        Generation g2 = started.building().orElseThrow();

        try (LuceneWriterIndex g1Index = LuceneWriterIndex.open(layout.directory(started.active()), print, LuceneOptions.defaults());
             LuceneWriterIndex g2Index = LuceneWriterIndex.open(layout.directory(g2), g2.fingerprint(), LuceneOptions.defaults())) {
            GenerationWriters writers = new GenerationWriters(new GenerationWriters.Writer("g1",
                    new BatchApplier(minilm, g1Index, new EmbeddingCache(100), metrics), g1Index, () -> { }));
            writers.chunkApart("g2");
            writers.openSecond(new GenerationWriters.Writer("g2",
                    new BatchApplier(minilm, g2Index, new EmbeddingCache(100), metrics), g2Index, () -> { }));
            assertThat(writers.isChunkedApart("g2")).isTrue();
            assertThat(writers.isChunkedApart("g1")).isFalse();

            // @1: d1 as the ingest emits it: g2's own chunks (two at 128) first, then the shared ones (one at 256)
            DocumentOps d1For2 = tagged("g2", apply("d1", 1, 1, ChunkOp.embed("d1-s1", 0, "s1", "Penguins live in the south."),
                    ChunkOp.embed("d1-s2", 1, "s2", "They eat fish and krill.")));
            DocumentOps d1Shared = apply("d1", 1, 1, ChunkOp.embed("d1-l", 0, "l", "Penguins live in the south. They eat fish and krill."));
            // @2: d2 likewise; @3: a duplicate (SKIP); @4: a DEFERRED marker
            DocumentOps d2For2 = tagged("g2", apply("d2", 1, 2, ChunkOp.embed("d2-s", 0, "s3", "Owls hunt at night.")));
            DocumentOps d2Shared = apply("d2", 1, 2, ChunkOp.embed("d2-l", 0, "l2", "Owls hunt at night."));
            List<DocumentOps> slice = List.of(d1For2, d1Shared, d2For2, d2Shared);
            assertThat(writers.forActive(slice, tagOf)).as("g1, the active one, takes the shared records only")
                    .containsExactly(d1Shared, d2Shared);
            write(writers, Lane.LIVE, 2, d1For2, d1Shared, d2For2, d2Shared);
            write(writers, Lane.LIVE, 4, of(DocumentOps.Kind.SKIP, "d1", 1, 3));
            // @5: d2 deleted: one untagged record for every generation
            write(writers, Lane.LIVE, 5, of(DocumentOps.Kind.DELETE_DOCUMENT, "d2", 2, 5));

            g1Index.refreshNow();
            g2Index.refreshNow();
            assertThat(g1Index.chunkIds("acme", "d1")).containsExactly("d1-l");
            assertThat(g2Index.chunkIds("acme", "d1")).containsExactlyInAnyOrder("d1-s1", "d1-s2");
            assertThat(g1Index.chunkIds("acme", "d2")).as("deleted in g1").isEmpty();
            assertThat(g2Index.chunkIds("acme", "d2")).as("deleted in g2 by the same untagged record").isEmpty();
            assertThat(g2Index.appliedSourceOffsets(Lane.LIVE)).isEqualTo(g1Index.appliedSourceOffsets(Lane.LIVE));
            assertThat(writers.taggedApplied()).as("live records tagged g2 are not the backfill's progress").isZero();

            // the backfill's re-drive tagged g2 (bulk lane) counts
            write(writers, Lane.BULK, 6, tagged("g2", apply("d1", 1, 6, ChunkOp.embed("d1-s1", 0, "s1", "Penguins live in the south."),
                    ChunkOp.embed("d1-s2", 1, "s2", "They eat fish and krill."))));
            assertThat(writers.taggedApplied()).isEqualTo(1);

            // switch: g2 active, still chunked apart; g1 kept written with the shared chunks for a rollback
            writers.swap("g2");
            DocumentOps d1v2For2 = tagged("g2", apply("d1", 2, 7, ChunkOp.payload("d1-s1", 0, "s1", "Penguins live in the south."),
                    ChunkOp.delete("d1-s2"), ChunkOp.embed("d1-s3", 1, "s4", "They eat fish.")));
            DocumentOps d1v2Shared = apply("d1", 2, 7, ChunkOp.delete("d1-l"),
                    ChunkOp.embed("d1-l2", 0, "l3", "Penguins live in the south. They eat fish."));
            assertThat(writers.forActive(List.of(d1v2For2, d1v2Shared), tagOf)).containsExactly(d1v2For2);
            write(writers, Lane.LIVE, 7, d1v2For2, d1v2Shared);
            g1Index.refreshNow();
            g2Index.refreshNow();
            assertThat(g2Index.chunkIds("acme", "d1")).containsExactlyInAnyOrder("d1-s1", "d1-s3");
            assertThat(g1Index.chunkIds("acme", "d1")).containsExactly("d1-l2");
        }
    }
}
