package dev.freshrag.embed.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentOps;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchPlanTest {

    private static DocumentOps apply(String docId, long version, long offset, ChunkOp... ops) {
        return new DocumentOps("t", docId, version, DocumentOps.Kind.APPLY, "title " + version, Map.of("v", "" + version),
                List.of(ops), ops.length, 0, offset);
    }

    private static DocumentOps delete(String docId, long version, long offset) {
        return new DocumentOps("t", docId, version, DocumentOps.Kind.DELETE_DOCUMENT, null, null, null, 0, 0, offset);
    }

    private static List<String> ids(BatchPlan.DocumentPlan d, ChunkOp.Type type) {
        return d.ops(type).stream().map(ChunkOp::chunkId).toList();
    }

    @Test
    void aChunkEmbeddedThenDeletedInOneBatchIsNeverEmbedded() {
        BatchPlan plan = BatchPlan.of(List.of(
                apply("d", 1, 10, ChunkOp.embed("a", 0, "ha", "A"), ChunkOp.embed("b", 1, "hb", "B")),
                apply("d", 2, 11, ChunkOp.payload("a", 0, "ha"), ChunkOp.delete("b"), ChunkOp.embed("c", 1, "hc", "C"))));
        BatchPlan.DocumentPlan d = plan.documents().iterator().next();
        assertThat(ids(d, ChunkOp.Type.EMBED)).containsExactly("a", "c");
        assertThat(ids(d, ChunkOp.Type.DELETE)).containsExactly("b");
        assertThat(ids(d, ChunkOp.Type.PAYLOAD)).isEmpty();
        assertThat(plan.textsToEmbed()).containsOnlyKeys("ha", "hc");
        assertThat(d.payload().version()).isEqualTo(2);
        assertThat(d.payload().title()).isEqualTo("title 2");
    }

    @Test
    void aDeleteInTheMiddleClearsEarlierOperations() {
        BatchPlan plan = BatchPlan.of(List.of(
                apply("d", 1, 1, ChunkOp.embed("a", 0, "ha", "A")),
                delete("d", 2, 2),
                apply("d", 3, 3, ChunkOp.embed("z", 0, "hz", "Z"))));
        BatchPlan.DocumentPlan d = plan.documents().iterator().next();
        assertThat(d.deleteFirst()).isTrue();
        assertThat(ids(d, ChunkOp.Type.EMBED)).containsExactly("z");
        assertThat(plan.textsToEmbed()).containsOnlyKeys("hz");
    }

    @Test
    void aDocumentEndingDeletedHasNoPayload() {
        BatchPlan plan = BatchPlan.of(List.of(apply("d", 1, 1, ChunkOp.embed("a", 0, "ha", "A")), delete("d", 2, 2)));
        BatchPlan.DocumentPlan d = plan.documents().iterator().next();
        assertThat(d.deleteFirst()).isTrue();
        assertThat(d.payload()).isNull();
        assertThat(plan.textsToEmbed()).isEmpty();
    }

    @Test
    void skipsOnlyAdvanceTheSourceOffsets() {
        DocumentOps skip = new DocumentOps("t", "d", 4, DocumentOps.Kind.SKIP, null, null, null, 0, 2, 99);
        BatchPlan plan = BatchPlan.of(List.of(apply("e", 1, 5, ChunkOp.embed("a", 0, "ha", "A")), skip));
        assertThat(plan.nextSourceOffsets().nextByPartition()).isEqualTo(Map.of(0, 6L, 2, 100L));
        BatchPlan.DocumentPlan d = plan.documents().stream().filter(p -> p.docId().equals("d")).findFirst().orElseThrow();
        assertThat(d.payload()).isNull();
        assertThat(d.deleteFirst()).isFalse();
    }

    @Test
    void identicalTextInTwoDocumentsIsEmbeddedOnce() {
        BatchPlan plan = BatchPlan.of(List.of(
                apply("d1", 1, 1, ChunkOp.embed("x1", 0, "same", "Same text")),
                apply("d2", 1, 2, ChunkOp.embed("x2", 0, "same", "Same text"))));
        assertThat(plan.textsToEmbed()).hasSize(1);
        assertThat(plan.documents()).hasSize(2);
    }
}
