package dev.freshrag.embed.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.embed.metrics.EmbedMetrics;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.index.DocumentMark;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.Generations;
import dev.freshrag.index.lucene.LuceneGenerations;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneWriterIndex;
import dev.freshrag.tokenizer.EmbeddingModel;
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
 * Issue 16, the pipeline side of a reindex, on two real models and two real Lucene generations: g1 (all-MiniLM-L6-v2,
 * the root of the index path) is written alone, then g2 (bge-small-en-v1.5, {@code g2/}) opens mid-stream, live
 * records go to both, and the documents written before g2 opened are re-driven tagged {@code g2} through the bulk
 * lane, as the backfill does. At the end both generations hold exactly the newest version of every document, g2's
 * vectors are bge's, and each generation keeps its own marks and source positions.
 */
class GenerationWritersTest {

    private static OnnxEmbedder minilm;
    private static OnnxEmbedder bge;

    @BeforeAll
    static void load() {
        minilm = OnnxEmbedder.load(EmbedderOptions.defaults().withTarget(ExecutionTarget.CPU));
        bge = OnnxEmbedder.load(EmbedderOptions.defaults().withModel(EmbeddingModel.BGE_SMALL_EN_V1_5).withTarget(ExecutionTarget.CPU));
    }

    @AfterAll
    static void close() {
        minilm.close();
        bge.close();
    }

    private static final String A = "Penguins live in the southern hemisphere.";
    private static final String B = "Polar bears live in the Arctic.";
    private static final String C = "Camels store fat in their humps.";
    private static final String D = "Owls hunt at night.";
    private static final String E = "Salmon swim upstream to spawn.";

    private final EmbedMetrics metrics = new EmbedMetrics(new SimpleMeterRegistry());
    /** The {@code freshrag-generation} header of each record (absent: a live record). */
    private final Map<DocumentOps, String> tags = new IdentityHashMap<>();
    private final Function<DocumentOps, String> tagOf = tags::get;

    private static DocumentOps apply(String doc, long version, long offset, ChunkOp... ops) {
        return new DocumentOps("acme", doc, version, DocumentOps.Kind.APPLY, doc + " v" + version, Map.of(), List.of(ops),
                ops.length, 0, offset);
    }

    private DocumentOps tagged(String generation, DocumentOps ops) {
        tags.put(ops, generation);
        return ops;
    }

    /** A lane's slice as the consumer writes it: active vectors embedded ahead, the building's on the lane's thread. */
    private int write(GenerationWriters writers, Lane lane, SourceOffsets positions, DocumentOps... ops) {
        List<DocumentOps> slice = List.of(ops);
        Map<String, float[]> active = writers.active().vectors(BatchPlan.of(writers.forActive(slice, tagOf)));
        return writers.write(lane, slice, tagOf, writers.activeId(), active, writers.secondVectors(slice, tagOf), positions,
                PreparedWrites.NONE);
    }

    @Test
    void aGenerationOpenedMidStreamAndBackfilledEndsAtTheNewestVersionOfEveryDocumentWithItsOwnModel(@TempDir Path root) {
        LuceneGenerations layout = LuceneGenerations.at(root);
        IndexFingerprint g1Print = new IndexFingerprint(minilm.model().id(), minilm.model().dimension());
        Generations plan = layout.openOrAdopt(g1Print, 256, Instant.now());
        Generations started = layout.change(plan, plan.start(bge.model().id(), bge.model().dimension(), 256, Instant.now()));
        Generation g2 = started.building().orElseThrow();
        assertThat(g2.id()).isEqualTo("g2");

        try (LuceneWriterIndex g1Index = LuceneWriterIndex.open(layout.directory(started.active()), g1Print, LuceneOptions.defaults())) {
            GenerationWriters writers = new GenerationWriters(new GenerationWriters.Writer("g1",
                    new BatchApplier(minilm, g1Index, new EmbeddingCache(100), metrics), g1Index, () -> { }));

            // before the reindex: three documents, g1 only (kb.doc-changes partition 0, offsets 1-3)
            write(writers, Lane.LIVE, SourceOffsets.applied(0, 3),
                    apply("d1", 1, 1, ChunkOp.embed("d1-a", 0, "ha", A), ChunkOp.embed("d1-b", 1, "hb", B)),
                    apply("d2", 1, 2, ChunkOp.embed("d2-c", 0, "hc", C)),
                    apply("d3", 1, 3, ChunkOp.embed("d3-d", 0, "hd", D)));

            // reindex start: g2 opens beside g1, from here on live records go to both
            LuceneWriterIndex g2Index = LuceneWriterIndex.open(layout.directory(g2), g2.fingerprint(), LuceneOptions.defaults());
            writers.openSecond(new GenerationWriters.Writer("g2",
                    new BatchApplier(bge, g2Index, new EmbeddingCache(100), metrics), g2Index, g2Index));
            assertThat(writers.secondId()).contains("g2");
            assertThatThrownBy(() -> writers.openSecond(new GenerationWriters.Writer("g3", writers.active(), g1Index, () -> { })))
                    .as("at most one generation beside the active one").isInstanceOf(IllegalStateException.class);

            // live @4: d1 v2 diffed against v1 (a unchanged: a relabel with its text; b gone; e new); g2 never had v1
            // live @5: d4 v1, a new document
            write(writers, Lane.LIVE, SourceOffsets.applied(0, 5),
                    apply("d1", 2, 4, ChunkOp.payload("d1-a", 0, "ha", A), ChunkOp.delete("d1-b"), ChunkOp.embed("d1-e", 1, "he", E)),
                    apply("d4", 1, 5, ChunkOp.embed("d4-b", 0, "hb", B)));
            // live @9: d3 v2, applied before the backfill's re-drive of d3 v1 (@7) reaches the bulk lane
            write(writers, Lane.LIVE, SourceOffsets.applied(0, 9),
                    apply("d3", 2, 9, ChunkOp.payload("d3-d", 0, "hd", D), ChunkOp.embed("d3-a", 1, "ha", A)));

            // the backfill: the newest record of each document in kb.doc-log re-driven tagged g2 (bulk lane), chunked
            // against an empty previous state, so every chunk is an embed
            int superseded = write(writers, Lane.BULK, SourceOffsets.applied(0, 8),
                    tagged("g2", apply("d2", 1, 6, ChunkOp.embed("d2-c", 0, "hc", C))),
                    tagged("g2", apply("d3", 1, 7, ChunkOp.embed("d3-d", 0, "hd", D))),
                    tagged("g2", apply("d1", 2, 8, ChunkOp.embed("d1-a", 0, "ha", A), ChunkOp.embed("d1-e", 1, "he", E))));
            assertThat(superseded).as("g1 takes none of the re-driven records").isZero();
            assertThat(writers.taggedApplied()).as("the backfill's progress").isEqualTo(3);

            g1Index.refreshNow();
            g2Index.refreshNow();
            for (String doc : List.of("d1", "d2", "d3", "d4")) {
                assertThat(chunkVersions(g2Index, doc)).as("%s in g2", doc).isEqualTo(chunkVersions(g1Index, doc));
            }
            assertThat(chunkVersions(g1Index, "d1")).containsExactly("d1-a@2", "d1-e@2");
            assertThat(chunkVersions(g1Index, "d2")).containsExactly("d2-c@1");
            assertThat(chunkVersions(g1Index, "d3")).containsExactly("d3-d@2", "d3-a@2");
            assertThat(chunkVersions(g1Index, "d4")).containsExactly("d4-b@1");

            // marks per generation: g1 never saw the re-drive; g2's d3 mark is the live v2 that overtook the re-drive
            assertThat(g1Index.documentMark("acme", "d1")).contains(new DocumentMark(2, false, 0, 4));
            assertThat(g2Index.documentMark("acme", "d1")).contains(new DocumentMark(2, false, 0, 8));
            assertThat(g2Index.documentMark("acme", "d3")).contains(new DocumentMark(2, false, 0, 9));
            // positions per generation: g2 caught up with g1 on both lanes
            assertThat(g2Index.appliedSourceOffsets(Lane.LIVE)).isEqualTo(g1Index.appliedSourceOffsets(Lane.LIVE));
            assertThat(g2Index.appliedSourceOffsets(Lane.BULK)).isEqualTo(g1Index.appliedSourceOffsets(Lane.BULK));

            // each generation's vectors are its own model's: a chunk's text embedded by that model finds it at ~1.0
            float[] camelsByBge = bge.embed(List.of(C))[0];
            float[] camelsByMinilm = minilm.embed(List.of(C))[0];
            assertThat(top(g2Index, camelsByBge).chunkId()).isEqualTo("d2-c");
            assertThat(top(g2Index, camelsByBge).score()).isGreaterThan(0.99f);
            assertThat(top(g2Index, camelsByMinilm).score()).as("a MiniLM vector against bge's").isLessThan(0.9f);
            assertThat(top(g1Index, camelsByMinilm).score()).isGreaterThan(0.99f);
            assertThat(top(g1Index, camelsByBge).score()).isLessThan(0.9f);

            // switch: g2 is written as the active one, g1 beside it (for a rollback); a slice embedded with g1's model
            // before the switch is embedded again with g2's at its write
            List<DocumentOps> embeddedBefore = List.of(apply("d6", 1, 11, ChunkOp.embed("d6-c", 0, "hc6", C + " Really.")));
            Map<String, float[]> minilmVectors = writers.active().vectors(BatchPlan.of(embeddedBefore));
            writers.swap("g2");
            assertThat(writers.activeId()).isEqualTo("g2");
            writers.write(Lane.LIVE, embeddedBefore, tagOf, "g1", minilmVectors, GenerationWriters.SecondVectors.NONE,
                    SourceOffsets.applied(0, 11), PreparedWrites.NONE);
            g1Index.refreshNow();
            g2Index.refreshNow();
            float[] d6ByBge = bge.embed(List.of(C + " Really."))[0];
            assertThat(top(g2Index, d6ByBge).chunkId()).isEqualTo("d6-c");
            assertThat(top(g2Index, d6ByBge).score()).as("g2 got bge's vector, not the MiniLM one embedded before").isGreaterThan(0.99f);
            assertThat(top(g1Index, minilm.embed(List.of(C + " Really."))[0]).score()).isGreaterThan(0.99f);
            writers.swap("g1"); // rollback

            // abort: g2 is closed and no longer written; a late record tagged g2 goes nowhere
            assertThat(writers.closeSecond("g2")).isTrue();
            write(writers, Lane.BULK, SourceOffsets.applied(0, 10),
                    tagged("g2", apply("d5", 1, 10, ChunkOp.embed("d5-a", 0, "ha", A))));
            g1Index.refreshNow();
            assertThat(g1Index.chunkIds("acme", "d5")).isEmpty();
            assertThat(g1Index.appliedSourceOffsets(Lane.BULK)).isEqualTo(SourceOffsets.applied(0, 10));
            assertThat(writers.closeSecond("g2")).as("closed once").isFalse();
        }
    }

    private static List<String> chunkVersions(LuceneWriterIndex index, String doc) {
        return index.chunks("acme", doc).stream().map(h -> h.chunkId() + "@" + h.version()).toList();
    }

    private static SearchHit top(LuceneWriterIndex index, float[] vector) {
        return index.search(new SearchQuery("acme", vector, 1, Map.of())).get(0);
    }
}
