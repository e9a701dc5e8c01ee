package dev.freshrag.index.qdrant;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.index.DocumentMark;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.SourceOffsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two writers on one collection (two embed-service replicas, one finishing a batch after its partition moved to the
 * other): the conditions the adapter puts on its writes keep the newer change, whatever the order. A subclass supplies
 * the server: {@link FencedWritesTest} the {@link InProcessQdrantProtocolDouble} (which applies {@code update_filter}
 * as Qdrant does, and is not Qdrant), {@link QdrantFencedWritesTest} a real Qdrant where Docker exists.
 */
abstract class FencedWritesScenarios {

    protected static final IndexFingerprint FP = new IndexFingerprint("m", 4);
    private final List<QdrantVectorIndex> opened = new ArrayList<>();

    /** A new writer (its own client, as another replica has) on this test's collection. */
    protected abstract QdrantVectorIndex newWriter();

    /** After the writers are closed: a subclass stops its server. */
    protected void afterWriters() {
    }

    @AfterEach
    void tearDown() {
        opened.forEach(QdrantVectorIndex::close);
        afterWriters();
    }

    protected QdrantVectorIndex writer() {
        QdrantVectorIndex index = newWriter();
        opened.add(index);
        return index;
    }

    protected static IndexPoint point(String chunk, long version, String text) {
        return new IndexPoint("acme", "doc", chunk, chunk.charAt(0) - 'a', "h-" + chunk, text,
                new DocumentPayload(version, "v" + version, Map.of()), new float[] {1, chunk.charAt(0), 0, 1}, 1L);
    }

    /** v1 {a, b} at offset 10 applied by the stale replica; v2 (delete b, relabel a) at offset 11 by the new owner. */
    protected void issueScenario(QdrantVectorIndex stale, QdrantVectorIndex owner) {
        // both replicas read the mark before either writes: v0 at offset 9, so v1 is not superseded for the stale one
        owner.upsert(List.of(point("a", 1, "A"), point("b", 1, "B")));
        owner.markDocument("acme", "doc", new DocumentMark(1, false, 0, 10));
        // the new owner replays v1 and applies v2: delete b, relabel a
        owner.deletePoints("acme", "doc", List.of("b"), 2);
        owner.updatePayload("acme", "doc", new DocumentPayload(2, "v2", Map.of()), Map.of("a", 0));
        owner.markDocument("acme", "doc", new DocumentMark(2, false, 0, 11));
        owner.commit(Lane.LIVE, SourceOffsets.applied(0, 11));
        // the stale replica finishes its v1 batch late: upserts a and b with v1 labels, its mark, its positions
        stale.upsert(List.of(point("a", 1, "A"), point("b", 1, "B")));
        stale.markDocument("acme", "doc", new DocumentMark(1, false, 0, 10));
        stale.commit(Lane.LIVE, SourceOffsets.applied(0, 10));
    }

    @Test
    void aStaleReplicaFinishingLateCannotOverwriteTheNewerVersion() {
        QdrantVectorIndex owner = writer();
        QdrantVectorIndex stale = writer();

        issueScenario(stale, owner);

        assertThat(owner.chunkIds("acme", "doc")).as("b stays deleted, a keeps v2").containsExactly("a");
        assertThat(owner.document("acme", "doc")).hasValueSatisfying(d -> assertThat(d.version()).isEqualTo(2));
        assertThat(owner.documentMark("acme", "doc")).contains(new DocumentMark(2, false, 0, 11));
        assertThat(owner.appliedSourceOffsets()).isEqualTo(SourceOffsets.applied(0, 11));
        assertThat(owner.search(new SearchQuery("acme", new float[] {1, 'a', 0, 1}, 5, Map.of())))
                .singleElement().satisfies(h -> assertThat(h.title()).isEqualTo("v2"));
    }

    @Test
    void aLateOlderDeleteLeavesTheNewerVersionsChunks() {
        QdrantVectorIndex owner = writer();
        QdrantVectorIndex stale = writer();
        owner.upsert(List.of(point("a", 3, "A"), point("c", 3, "C")));
        owner.markDocument("acme", "doc", new DocumentMark(3, false, 0, 20));

        stale.deleteDocument("acme", "doc", 2); // DELETE v2, at offset 15, applied late
        stale.markDocument("acme", "doc", new DocumentMark(2, true, 0, 15));

        assertThat(owner.chunkIds("acme", "doc")).containsExactly("a", "c");
        assertThat(owner.documentMark("acme", "doc")).contains(new DocumentMark(3, false, 0, 20));
    }

    @Test
    void replicasCommittingConcurrentlyNeverMoveAPartitionBack() throws Exception {
        QdrantVectorIndex one = writer();
        QdrantVectorIndex two = writer();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            // each owns two partitions; partition 2 moves between them and both commit it, in any order
            done.add(pool.submit(() -> {
                for (long o = 1; o <= 150; o++) {
                    one.commit(Lane.LIVE, new SourceOffsets(Map.of(0, o, 1, o, 2, o)));
                }
            }));
            done.add(pool.submit(() -> {
                for (long o = 1; o <= 150; o++) {
                    two.commit(Lane.LIVE, new SourceOffsets(Map.of(3, o, 4, 2 * o, 2, o / 2)));
                }
            }));
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(one.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 150L, 1, 150L, 2, 150L, 3, 150L,
                4, 300L)));
    }

}
