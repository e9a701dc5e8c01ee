package dev.freshrag.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What every vector store must do, whatever stores the vectors: an adapter opened to write, which is also
 * its own {@link VectorIndexReader}. An adapter's test extends this class with its index type as {@code I}
 * and supplies {@link #newIndex}; if its store can be closed and opened again in a test, it also overrides
 * {@link #reopen}.
 *
 * <p>Reads happen after {@link VectorIndexWriter#commit}, the point where every store makes writes visible.
 * Vectors are small (8 dimensions), deterministic and normalised.
 */
public abstract class VectorIndexBehaviour<I extends VectorIndexReader & VectorIndexWriter> {

    protected static final int DIMENSION = 8;
    protected static final IndexFingerprint FINGERPRINT = new IndexFingerprint("behaviour-test-model", DIMENSION);

    protected static final String TENANT_A = "tenant-a";
    protected static final String TENANT_B = "tenant-b";
    private static final long INDEXED_AT = 1_700_000_000_000L;

    private final List<I> opened = new ArrayList<>();

    /** A new, empty store with this fingerprint, open for writing and reading. */
    protected abstract I newIndex(IndexFingerprint fingerprint);

    /**
     * Closes {@code index} and opens the same store again, as a restarted process would. Stores that cannot
     * do that in a test keep this default, which skips the tests needing it.
     */
    protected I reopen(I index) {
        Assumptions.abort("this store cannot be reopened in a test");
        return index;
    }

    @AfterEach
    void closeEverything() {
        for (I index : opened) {
            try {
                index.close();
            } catch (RuntimeException ignored) {
                // closed already, e.g. by reopen
            }
        }
        opened.clear();
    }

    // =====================================================================================================
    // search

    @Test
    void upsertedPointIsFoundWithAllItsFieldsAndScoreOneForItsOwnVector() {
        I index = open();
        DocumentPayload payload = new DocumentPayload(3, "Refund policy", Map.of("lang", "en", "kind", "faq"));
        IndexPoint p = new IndexPoint(TENANT_A, "kb/refunds.md", chunk("r1"), 4, sha256("Refunds take 5 days."),
                "Refunds take 5 days.", payload, vector(1), INDEXED_AT);
        index.upsert(List.of(p, point(TENANT_A, "kb/other.md", chunk("o1"), 0, vector(2))));
        commit(index);

        List<SearchHit> hits = index.search(new SearchQuery(TENANT_A, vector(1), 1, Map.of()));

        assertThat(hits).hasSize(1);
        SearchHit hit = hits.get(0);
        assertThat(hit.docId()).isEqualTo("kb/refunds.md");
        assertThat(hit.chunkId()).isEqualTo(chunk("r1"));
        assertThat(hit.version()).isEqualTo(3);
        assertThat(hit.seq()).isEqualTo(4);
        assertThat(hit.title()).isEqualTo("Refund policy");
        assertThat(hit.text()).isEqualTo("Refunds take 5 days.");
        assertThat(hit.metadata()).isEqualTo(Map.of("lang", "en", "kind", "faq"));
        assertThat(hit.score()).isCloseTo(1f, within(1e-4f));
    }

    @Test
    void searchReturnsTheNearestPointsBestFirstWithCosineScores() {
        I index = open();
        List<IndexPoint> points = IntStream.range(0, 12)
                .mapToObj(i -> point(TENANT_A, "doc-" + (i % 3), chunk("p" + i), i, vector(100 + i)))
                .toList();
        index.upsert(points);
        commit(index);
        float[] query = vector(7);

        List<SearchHit> hits = index.search(new SearchQuery(TENANT_A, query, 5, Map.of()));

        List<String> expected = points.stream()
                .sorted(Comparator.comparingDouble((IndexPoint p) -> -cosine(query, p.vector())))
                .limit(5).map(IndexPoint::chunkId).toList();
        assertThat(hits).extracting(SearchHit::chunkId).containsExactlyElementsOf(expected);
        assertThat(hits).extracting(SearchHit::score).isSortedAccordingTo(Comparator.reverseOrder());
        Map<String, float[]> vectors = points.stream()
                .collect(Collectors.toMap(IndexPoint::chunkId, IndexPoint::vector));
        for (SearchHit hit : hits) {
            assertThat(hit.score()).as("score of %s", hit.chunkId())
                    .isCloseTo((float) cosine(query, vectors.get(hit.chunkId())), within(1e-4f));
        }
    }

    @Test
    void scoreIsCosineSimilarityOverItsWholeRange() {
        I index = open();
        float[] v = vector(5);
        float[] opposite = new float[DIMENSION];
        for (int i = 0; i < DIMENSION; i++) {
            opposite[i] = -v[i];
        }
        index.upsert(List.of(point(TENANT_A, "doc", chunk("same"), 0, v),
                point(TENANT_A, "doc", chunk("opposite"), 1, opposite)));
        commit(index);

        List<SearchHit> hits = index.search(new SearchQuery(TENANT_A, v, 2, Map.of()));

        assertThat(hits).extracting(SearchHit::chunkId).containsExactly(chunk("same"), chunk("opposite"));
        assertThat(hits.get(0).score()).isCloseTo(1f, within(1e-4f));
        assertThat(hits.get(1).score()).isCloseTo(-1f, within(1e-4f));
    }

    @Test
    void kLargerThanThePointsReturnsAllOfThem() {
        I index = open();
        assertThat(index.search(new SearchQuery(TENANT_A, vector(1), 10, Map.of()))).isEmpty();

        index.upsert(List.of(point(TENANT_A, "doc", chunk("a"), 0, vector(1)),
                point(TENANT_A, "doc", chunk("b"), 1, vector(2)),
                point(TENANT_A, "doc", chunk("c"), 2, vector(3)),
                point(TENANT_B, "doc", chunk("d"), 0, vector(4))));
        commit(index);

        List<SearchHit> hits = index.search(new SearchQuery(TENANT_A, vector(1), 1000, Map.of()));
        assertThat(hits).extracting(SearchHit::chunkId)
                .containsExactlyInAnyOrder(chunk("a"), chunk("b"), chunk("c"));
        assertThat(hits.get(0).chunkId()).isEqualTo(chunk("a"));
        assertThat(hits).extracting(SearchHit::score).isSortedAccordingTo(Comparator.reverseOrder());
    }

    @Test
    void metadataFiltersMustAllMatchExactly() {
        I index = open();
        index.upsert(List.of(
                withMetadata(point(TENANT_A, "d1", chunk("en-faq"), 0, vector(1)), Map.of("lang", "en", "kind", "faq")),
                withMetadata(point(TENANT_A, "d1", chunk("de-faq"), 1, vector(2)), Map.of("lang", "de", "kind", "faq")),
                withMetadata(point(TENANT_A, "d2", chunk("en-blog"), 0, vector(3)), Map.of("lang", "en", "kind", "blog")),
                withMetadata(point(TENANT_A, "d3", chunk("none"), 0, vector(4)), Map.of())));
        commit(index);

        assertThat(found(index, TENANT_A, Map.of())).containsExactlyInAnyOrder(
                chunk("en-faq"), chunk("de-faq"), chunk("en-blog"), chunk("none"));
        assertThat(found(index, TENANT_A, Map.of("lang", "en"))).containsExactlyInAnyOrder(chunk("en-faq"), chunk("en-blog"));
        assertThat(found(index, TENANT_A, Map.of("kind", "faq"))).containsExactlyInAnyOrder(chunk("en-faq"), chunk("de-faq"));
        assertThat(found(index, TENANT_A, Map.of("lang", "en", "kind", "faq"))).containsExactly(chunk("en-faq"));
        assertThat(found(index, TENANT_A, Map.of("lang", "EN"))).isEmpty();
        assertThat(found(index, TENANT_A, Map.of("lang", "fr"))).isEmpty();
        assertThat(found(index, TENANT_A, Map.of("colour", "en"))).isEmpty();
    }

    // =====================================================================================================
    // writes

    /** Enough points that an index doing work ahead for large writes (Lucene's side segment) does it. */
    protected static final int LARGE_WRITE = 1_200;

    @Test
    void aPreparedLargeWriteReplacesEarlierPointsByChunkIdAndKeepsEveryChunkOnce() {
        I index = open();
        index.upsert(List.of(point(TENANT_A, "big", chunk("big-0"), 0, vector(1)),
                point(TENANT_A, "big", chunk("gone"), 1, vector(2)), point(TENANT_A, "other", chunk("o"), 0, vector(3))));
        commit(index);
        List<IndexPoint> large = IntStream.range(0, LARGE_WRITE).mapToObj(i -> withPayload(
                point(TENANT_A, "big", chunk("big-" + i), i, vector(1000 + i)), new DocumentPayload(2, "big v2", Map.of())))
                .toList();

        try (PreparedPoints prepared = index.prepare(large)) {
            assertThat(prepared.points()).hasSize(LARGE_WRITE);
            index.upsert(prepared);
            index.deletePoints(TENANT_A, "big", List.of(chunk("gone")));
            commit(index);
        }

        assertThat(index.chunkIds(TENANT_A, "big")).hasSize(LARGE_WRITE)
                .containsExactlyInAnyOrderElementsOf(large.stream().map(IndexPoint::chunkId).toList());
        assertThat(index.chunkIds(TENANT_A, "other")).containsExactly(chunk("o"));
        SearchHit replaced = index.search(new SearchQuery(TENANT_A, vector(1000), 1, Map.of())).get(0);
        assertThat(replaced.chunkId()).isEqualTo(chunk("big-0"));
        assertThat(replaced.version()).isEqualTo(2);
        assertThat(replaced.score()).isCloseTo(1f, within(1e-4f));
        assertThat(index.search(new SearchQuery(TENANT_A, vector(1), 5, Map.of())))
                .noneMatch(h -> h.docId().equals("big") && h.version() == 1);
    }

    @Test
    void aPreparedWriteAppliedAgainAfterAFailedCommitStillHoldsEachChunkOnce() {
        I index = open();
        List<IndexPoint> large = IntStream.range(0, LARGE_WRITE)
                .mapToObj(i -> point(TENANT_A, "big", chunk("again-" + i), i, vector(5000 + i))).toList();
        try (PreparedPoints prepared = index.prepare(large)) {
            index.upsert(prepared);
            index.upsert(prepared); // the retry of a batch whose commit failed applies its writes again
            commit(index);
        }
        I reopened = track(reopenOrSame(index));

        assertThat(reopened.chunkIds(TENANT_A, "big")).hasSize(LARGE_WRITE);
        assertThat(reopened.search(new SearchQuery(TENANT_A, vector(5003), 3, Map.of())))
                .extracting(SearchHit::chunkId).first().isEqualTo(chunk("again-3"));
    }

    @Test
    void aPreparedWriteThatIsNeverAppliedChangesNothing() {
        I index = open();
        try (PreparedPoints prepared = index.prepare(IntStream.range(0, LARGE_WRITE)
                .mapToObj(i -> point(TENANT_A, "dropped", chunk("d-" + i), i, vector(i))).toList())) {
            assertThat(prepared.points()).hasSize(LARGE_WRITE);
        }
        commit(index);

        assertThat(index.chunkIds(TENANT_A, "dropped")).isEmpty();
    }

    @Test
    void upsertWithTheSameChunkIdReplacesThePoint() {
        I index = open();
        index.upsert(List.of(point(TENANT_A, "doc", chunk("c"), 0, vector(1))));
        commit(index);
        IndexPoint replacement = new IndexPoint(TENANT_A, "doc", chunk("c"), 1, sha256("new text"), "new text",
                new DocumentPayload(2, "new title", Map.of()), vector(2), INDEXED_AT + 1);
        index.upsert(List.of(replacement));
        commit(index);

        List<SearchHit> hits = index.search(new SearchQuery(TENANT_A, vector(2), 10, Map.of()));

        assertThat(hits).hasSize(1);
        assertThat(hits.get(0).text()).isEqualTo("new text");
        assertThat(hits.get(0).version()).isEqualTo(2);
        assertThat(hits.get(0).seq()).isEqualTo(1);
        assertThat(hits.get(0).score()).isCloseTo(1f, within(1e-4f));
        assertThat(index.chunkIds(TENANT_A, "doc")).containsExactly(chunk("c"));
        assertThat(index.document(TENANT_A, "doc")).contains(new DocumentStatus("doc", 2, 1, INDEXED_AT + 1));
    }

    @Test
    void deleteDocumentRemovesAllItsPointsAndOnlyIts() {
        I index = open();
        index.upsert(List.of(point(TENANT_A, "gone", chunk("g1"), 0, vector(1)),
                point(TENANT_A, "gone", chunk("g2"), 1, vector(2)),
                point(TENANT_A, "gone", chunk("g3"), 2, vector(3)),
                point(TENANT_A, "kept", chunk("k1"), 0, vector(4)),
                point(TENANT_A, "kept", chunk("k2"), 1, vector(5))));
        commit(index);

        index.deleteDocument(TENANT_A, "gone");
        commit(index);

        assertThat(index.chunkIds(TENANT_A, "gone")).isEmpty();
        assertThat(index.document(TENANT_A, "gone")).isEmpty();
        assertThat(index.chunkIds(TENANT_A, "kept")).containsExactlyInAnyOrder(chunk("k1"), chunk("k2"));
        assertThat(found(index, TENANT_A, Map.of())).containsExactlyInAnyOrder(chunk("k1"), chunk("k2"));

        index.deleteDocument(TENANT_A, "never-indexed"); // deleting what is not there is no error
        commit(index);
        assertThat(index.chunkIds(TENANT_A, "kept")).hasSize(2);
    }

    @Test
    void deletePointsRemovesOnlyTheNamedChunksOfThatDocument() {
        I index = open();
        index.upsert(List.of(point(TENANT_A, "doc", chunk("c1"), 0, vector(1)),
                point(TENANT_A, "doc", chunk("c2"), 1, vector(2)),
                point(TENANT_A, "doc", chunk("c3"), 2, vector(3)),
                point(TENANT_A, "other", chunk("o1"), 0, vector(4))));
        commit(index);

        index.deletePoints(TENANT_A, "doc", List.of(chunk("c1"), chunk("c3"), chunk("unknown")));
        index.deletePoints(TENANT_A, "doc", List.of(chunk("o1"))); // a chunk of another document: untouched
        commit(index);

        assertThat(index.chunkIds(TENANT_A, "doc")).containsExactly(chunk("c2"));
        assertThat(index.chunkIds(TENANT_A, "other")).containsExactly(chunk("o1"));
        assertThat(found(index, TENANT_A, Map.of())).containsExactlyInAnyOrder(chunk("c2"), chunk("o1"));
        assertThat(index.document(TENANT_A, "doc")).map(DocumentStatus::chunks).contains(1);

        index.deletePoints(TENANT_A, "doc", List.of(chunk("c2")));
        commit(index);
        assertThat(index.document(TENANT_A, "doc")).isEmpty();
    }

    @Test
    void updatePayloadChangesVersionTitleMetadataAndSeqButNotVectorsTextOrIndexedAt() {
        I index = open();
        DocumentPayload v1 = new DocumentPayload(1, "old title", Map.of("lang", "en"));
        index.upsert(List.of(withPayload(point(TENANT_A, "doc", chunk("c1"), 0, vector(1)), v1),
                withPayload(point(TENANT_A, "doc", chunk("c2"), 1, vector(2)), v1),
                withPayload(point(TENANT_A, "doc", chunk("c3"), 2, vector(3)), v1),
                withPayload(point(TENANT_A, "other", chunk("o1"), 0, vector(4)), v1)));
        commit(index);

        DocumentPayload v2 = new DocumentPayload(2, "new title", Map.of("lang", "de", "kind", "faq"));
        Map<String, Integer> seqs = new LinkedHashMap<>();
        seqs.put(chunk("c1"), 1);
        seqs.put(chunk("c2"), 0);
        seqs.put(chunk("ghost"), 5);
        seqs.put(chunk("o1"), 7); // belongs to another document: not this document's chunk
        List<String> missing = index.updatePayload(TENANT_A, "doc", v2, seqs);
        commit(index);

        assertThat(missing).containsExactlyInAnyOrder(chunk("ghost"), chunk("o1"));
        SearchHit c1 = top(index, TENANT_A, vector(1));
        assertThat(c1.chunkId()).isEqualTo(chunk("c1"));
        assertThat(c1.score()).as("vector unchanged").isCloseTo(1f, within(1e-4f));
        assertThat(c1.version()).isEqualTo(2);
        assertThat(c1.title()).isEqualTo("new title");
        assertThat(c1.metadata()).isEqualTo(Map.of("lang", "de", "kind", "faq"));
        assertThat(c1.seq()).isEqualTo(1);
        assertThat(c1.text()).isEqualTo("text of " + chunk("c1"));
        SearchHit c2 = top(index, TENANT_A, vector(2));
        assertThat(c2.chunkId()).isEqualTo(chunk("c2"));
        assertThat(c2.score()).isCloseTo(1f, within(1e-4f));
        assertThat(c2.seq()).isZero();
        assertThat(c2.version()).isEqualTo(2);
        // chunks not named keep their payload
        SearchHit c3 = top(index, TENANT_A, vector(3));
        assertThat(c3.chunkId()).isEqualTo(chunk("c3"));
        assertThat(c3.version()).isEqualTo(1);
        assertThat(c3.title()).isEqualTo("old title");
        assertThat(c3.seq()).isEqualTo(2);
        SearchHit o1 = top(index, TENANT_A, vector(4));
        assertThat(o1.chunkId()).isEqualTo(chunk("o1"));
        assertThat(o1.version()).isEqualTo(1);
        assertThat(o1.seq()).isZero();
        // filters follow the new metadata
        assertThat(found(index, TENANT_A, Map.of("lang", "de"))).containsExactlyInAnyOrder(chunk("c1"), chunk("c2"));
        assertThat(found(index, TENANT_A, Map.of("lang", "en"))).containsExactlyInAnyOrder(chunk("c3"), chunk("o1"));
        // a payload update is not a new write of the text: indexedAt stays, so replays are deterministic
        assertThat(index.document(TENANT_A, "doc")).contains(new DocumentStatus("doc", 2, 3, INDEXED_AT));
    }

    @Test
    void documentStatusReportsVersionChunkCountAndLatestWriteTime() {
        I index = open();
        assertThat(index.document(TENANT_A, "doc")).isEmpty();
        DocumentPayload payload = new DocumentPayload(4, "t", Map.of());
        index.upsert(List.of(
                new IndexPoint(TENANT_A, "doc", chunk("c1"), 0, sha256("a"), "a", payload, vector(1), 1_000),
                new IndexPoint(TENANT_A, "doc", chunk("c2"), 1, sha256("b"), "b", payload, vector(2), 3_000),
                new IndexPoint(TENANT_A, "doc", chunk("c3"), 2, sha256("c"), "c", payload, vector(3), 2_000)));
        commit(index);

        assertThat(index.document(TENANT_A, "doc")).contains(new DocumentStatus("doc", 4, 3, 3_000));
        assertThat(index.document(TENANT_A, "unknown")).isEmpty();
        assertThat(index.document(TENANT_B, "doc")).isEmpty();
    }

    @Test
    void chunkIdsListsExactlyTheIndexedChunksOfTheDocument() {
        I index = open();
        assertThat(index.chunkIds(TENANT_A, "doc")).isEmpty();
        index.upsert(List.of(point(TENANT_A, "doc", chunk("c1"), 0, vector(1)),
                point(TENANT_A, "doc", chunk("c2"), 1, vector(2)),
                point(TENANT_A, "doc", chunk("c2"), 1, vector(3)), // the same chunk twice in one batch
                point(TENANT_A, "doc2", chunk("x"), 0, vector(4)),
                point(TENANT_B, "doc", chunk("y"), 0, vector(5))));
        commit(index);

        assertThat(index.chunkIds(TENANT_A, "doc")).containsExactlyInAnyOrder(chunk("c1"), chunk("c2"));
        assertThat(index.chunkIds(TENANT_A, "doc2")).containsExactly(chunk("x"));
        assertThat(index.chunkIds(TENANT_B, "doc")).containsExactly(chunk("y"));
        assertThat(index.chunkIds(TENANT_B, "doc2")).isEmpty();
    }

    @Test
    void documentsAreListedByDocIdPrefixInDocIdOrderWithinTheTenantAndTheLimit() {
        I index = open();
        assertThat(index.documents(TENANT_A, "", 10)).isEmpty();
        DocumentPayload v2 = new DocumentPayload(2, "t", Map.of());
        index.upsert(List.of(
                new IndexPoint(TENANT_A, "hr/leave.md", chunk("l1"), 0, sha256("a"), "a", v2, vector(1), 1_000),
                new IndexPoint(TENANT_A, "hr/leave.md", chunk("l2"), 1, sha256("b"), "b", v2, vector(2), 2_000),
                point(TENANT_A, "hr/benefits.md", chunk("b1"), 0, vector(3)),
                point(TENANT_A, "it/laptops.md", chunk("i1"), 0, vector(4)),
                point(TENANT_B, "hr/secret.md", chunk("s1"), 0, vector(5))));
        commit(index);

        assertThat(index.documents(TENANT_A, "hr/", 10)).extracting(DocumentStatus::docId)
                .containsExactly("hr/benefits.md", "hr/leave.md");
        assertThat(index.documents(TENANT_A, "hr/l", 10)).containsExactly(new DocumentStatus("hr/leave.md", 2, 2, 2_000));
        assertThat(index.documents(TENANT_A, "", 2)).extracting(DocumentStatus::docId)
                .containsExactly("hr/benefits.md", "hr/leave.md");
        assertThat(index.documents(TENANT_A, "", 10)).hasSize(3);
        assertThat(index.documents(TENANT_B, "", 10)).extracting(DocumentStatus::docId).containsExactly("hr/secret.md");

        index.deleteDocument(TENANT_A, "hr/benefits.md");
        commit(index);
        assertThat(index.documents(TENANT_A, "hr/", 10)).extracting(DocumentStatus::docId).containsExactly("hr/leave.md");
    }

    @Test
    void chunksAreReadBackAsIndexedInPositionOrder() {
        I index = open();
        DocumentPayload payload = new DocumentPayload(3, "Leave", Map.of("team", "hr"));
        index.upsert(List.of(
                new IndexPoint(TENANT_A, "doc", chunk("c2"), 1, sha256("second"), "second", payload, vector(2), 1_000),
                new IndexPoint(TENANT_A, "doc", chunk("c1"), 0, sha256("first"), "first", payload, vector(1), 1_000),
                point(TENANT_B, "doc", chunk("x"), 0, vector(3))));
        commit(index);

        List<SearchHit> chunks = index.chunks(TENANT_A, "doc");
        assertThat(chunks).extracting(SearchHit::chunkId).containsExactly(chunk("c1"), chunk("c2"));
        assertThat(chunks).extracting(SearchHit::text).containsExactly("first", "second");
        assertThat(chunks.get(0)).satisfies(c -> {
            assertThat(c.version()).isEqualTo(3);
            assertThat(c.title()).isEqualTo("Leave");
            assertThat(c.metadata()).isEqualTo(Map.of("team", "hr"));
            assertThat(c.score()).isZero();
        });
        assertThat(index.chunks(TENANT_A, "unknown")).isEmpty();
        assertThat(index.chunks(TENANT_B, "doc")).extracting(SearchHit::chunkId).containsExactly(chunk("x"));
    }

    @Test
    void invalidVectorsAreRefusedAndTheBatchChangesNothing() {
        I index = open();
        IndexPoint good = point(TENANT_A, "doc", chunk("good"), 0, vector(1));
        IndexPoint tooShort = point(TENANT_A, "doc", chunk("short"), 1, new float[] {1, 0, 0});

        assertThatThrownBy(() -> index.upsert(List.of(good, tooShort))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.search(new SearchQuery(TENANT_A, new float[DIMENSION + 1], 3, Map.of())))
                .isInstanceOf(IllegalArgumentException.class);
        commit(index);

        assertThat(index.chunkIds(TENANT_A, "doc")).isEmpty();
    }

    // =====================================================================================================
    // tenants and ids

    @Test
    void tenantsAreIsolatedEvenWithTheSameDocIdChunkIdsAndVectors() {
        I index = open();
        // tenant A: 3 chunks; tenant B: 2 chunks with the same doc id, chunk ids and vectors
        index.upsert(List.of(tenantPoint(TENANT_A, "c1", 1), tenantPoint(TENANT_A, "c2", 2),
                tenantPoint(TENANT_A, "c3", 3)));
        index.upsert(List.of(tenantPoint(TENANT_B, "c1", 1), tenantPoint(TENANT_B, "c2", 2)));
        commit(index);

        assertThat(titles(index, TENANT_A, Map.of())).hasSize(3).containsOnly("title of " + TENANT_A);
        assertThat(titles(index, TENANT_B, Map.of())).hasSize(2).containsOnly("title of " + TENANT_B);
        assertThat(index.chunkIds(TENANT_A, "shared/doc")).hasSize(3);
        assertThat(index.chunkIds(TENANT_B, "shared/doc")).hasSize(2);
        assertThat(index.document(TENANT_A, "shared/doc")).map(DocumentStatus::chunks).contains(3);
        assertThat(index.document(TENANT_B, "shared/doc")).map(DocumentStatus::chunks).contains(2);
        assertThat(titles(index, "tenant-c", Map.of())).isEmpty();

        // a filter naming another tenant only narrows
        for (String key : List.of("tenant", "_tenant", "tenantId")) {
            assertThat(titles(index, TENANT_A, Map.of(key, TENANT_B))).as("filter %s", key).isEmpty();
        }

        // writes in A leave B alone
        index.updatePayload(TENANT_A, "shared/doc", new DocumentPayload(9, "changed", Map.of()),
                Map.of(chunk("c1"), 0, chunk("c2"), 1));
        index.deletePoints(TENANT_A, "shared/doc", List.of(chunk("c1")));
        commit(index);
        assertThat(index.chunkIds(TENANT_A, "shared/doc")).containsExactlyInAnyOrder(chunk("c2"), chunk("c3"));
        assertThat(index.chunkIds(TENANT_B, "shared/doc")).containsExactlyInAnyOrder(chunk("c1"), chunk("c2"));
        assertThat(titles(index, TENANT_B, Map.of())).hasSize(2).containsOnly("title of " + TENANT_B);
        assertThat(index.document(TENANT_B, "shared/doc")).map(DocumentStatus::version).contains(1L);

        index.deleteDocument(TENANT_A, "shared/doc");
        commit(index);
        assertThat(index.document(TENANT_A, "shared/doc")).isEmpty();
        assertThat(index.chunkIds(TENANT_B, "shared/doc")).containsExactlyInAnyOrder(chunk("c1"), chunk("c2"));
        assertThat(titles(index, TENANT_B, Map.of())).hasSize(2);
    }

    @Test
    void aTenantFilterInMetadataCannotReachAnotherTenant() {
        I index = open();
        // tenant A's own metadata claims to be tenant B
        index.upsert(List.of(withMetadata(tenantPoint(TENANT_A, "c1", 1), Map.of("tenant", TENANT_B, "_tenant", TENANT_B)),
                tenantPoint(TENANT_B, "c2", 1)));
        commit(index);

        assertThat(titles(index, TENANT_A, Map.of("tenant", TENANT_B))).containsExactly("title of " + TENANT_A);
        assertThat(titles(index, TENANT_A, Map.of("_tenant", TENANT_B))).containsExactly("title of " + TENANT_A);
        assertThat(titles(index, TENANT_B, Map.of("tenant", TENANT_B))).isEmpty();
    }

    @Test
    void idsWithSlashesAndUnicodeAreExactKeys() {
        I index = open();
        List<String> docIds = List.of("kb", "kb/a", "kb/a/b", "Über/Straße/東京.md", "emoji 🚀/doc", "a b\tc");
        List<IndexPoint> points = new ArrayList<>();
        for (int i = 0; i < docIds.size(); i++) {
            points.add(point(TENANT_A, docIds.get(i), chunk("doc" + i), 0, vector(10 + i)));
        }
        // (tenant "a", doc "b/c") and (tenant "a/b", doc "c") must not share a key
        points.add(point("a", "b/c", chunk("x"), 0, vector(30)));
        points.add(point("a/b", "c", chunk("x"), 0, vector(31)));
        points.add(point("ünï/tenant", "b/c", chunk("x"), 0, vector(32)));
        index.upsert(points);
        commit(index);

        for (int i = 0; i < docIds.size(); i++) {
            assertThat(index.document(TENANT_A, docIds.get(i))).map(DocumentStatus::docId).contains(docIds.get(i));
            assertThat(top(index, TENANT_A, vector(10 + i)).docId()).isEqualTo(docIds.get(i));
        }
        assertThat(top(index, "ünï/tenant", vector(32)).docId()).isEqualTo("b/c");

        index.deleteDocument(TENANT_A, "kb/a");
        index.deleteDocument("a", "b/c");
        commit(index);

        assertThat(index.document(TENANT_A, "kb/a")).isEmpty();
        assertThat(index.document(TENANT_A, "kb")).isPresent();
        assertThat(index.document(TENANT_A, "kb/a/b")).isPresent();
        assertThat(index.document("a", "b/c")).isEmpty();
        assertThat(index.document("a/b", "c")).isPresent();
        assertThat(index.document("ünï/tenant", "b/c")).isPresent();
        assertThat(found(index, TENANT_A, Map.of())).hasSize(docIds.size() - 1);
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 384, 1536})
    void acceptsTheDimensionOfItsFingerprint(int dimension) {
        IndexFingerprint fingerprint = new IndexFingerprint("model-" + dimension, dimension);
        I index = track(newIndex(fingerprint));
        assertThat(index.fingerprint()).isEqualTo(fingerprint);
        assertThat(index.isHealthy()).isTrue();

        index.upsert(IntStream.range(0, 5)
                .mapToObj(i -> point(TENANT_A, "doc", chunk("c" + i), i, vector(i, dimension))).toList());
        commit(index);

        List<SearchHit> hits = index.search(new SearchQuery(TENANT_A, vector(3, dimension), 2, Map.of()));
        assertThat(hits).hasSize(2);
        assertThat(hits.get(0).chunkId()).isEqualTo(chunk("c3"));
        assertThat(hits.get(0).score()).isCloseTo(1f, within(1e-4f));
        assertThatThrownBy(() -> index.upsert(List.of(point(TENANT_A, "doc", chunk("bad"), 0, vector(1, DIMENSION + dimension)))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // =====================================================================================================
    // replay, commits and durability

    @Test
    void replayingTheSameWritesGivesTheSameState() {
        I index = open();
        List<Consumer<VectorIndexWriter>> writes = List.of(
                i -> i.upsert(List.of(point(TENANT_A, "doc-1", chunk("c1"), 0, vector(1)),
                        point(TENANT_A, "doc-1", chunk("c2"), 1, vector(2)),
                        point(TENANT_A, "doc-1", chunk("c3"), 2, vector(3)))),
                i -> i.upsert(List.of(point(TENANT_B, "doc-1", chunk("c1"), 0, vector(1)))),
                i -> i.updatePayload(TENANT_A, "doc-1", new DocumentPayload(2, "second", Map.of("lang", "en")),
                        Map.of(chunk("c1"), 1, chunk("c2"), 0)),
                i -> i.deletePoints(TENANT_A, "doc-1", List.of(chunk("c3"))),
                i -> i.upsert(List.of(point(TENANT_A, "doc-2", chunk("c4"), 0, vector(4)))),
                i -> i.deleteDocument(TENANT_B, "doc-1"),
                i -> i.upsert(List.of(point(TENANT_B, "doc-3", chunk("c5"), 0, vector(5)))),
                i -> i.commit(new SourceOffsets(Map.of(0, 17L, 1, 4L))));

        writes.forEach(w -> w.accept(index));
        Snapshot once = snapshot(index);
        writes.forEach(w -> w.accept(index));
        Snapshot twice = snapshot(index);

        assertThat(twice).isEqualTo(once);
        // and the state is the one the writes describe, not an empty one
        assertThat(once.documents()).containsEntry(TENANT_A + "|doc-1", Optional.of(new DocumentStatus("doc-1", 2, 2, INDEXED_AT)));
        assertThat(once.documents()).containsEntry(TENANT_A + "|doc-2", Optional.of(new DocumentStatus("doc-2", 1, 1, INDEXED_AT)));
        assertThat(once.documents()).containsEntry(TENANT_B + "|doc-1", Optional.empty());
        assertThat(once.documents()).containsEntry(TENANT_B + "|doc-3", Optional.of(new DocumentStatus("doc-3", 1, 1, INDEXED_AT)));
        assertThat(once.hits().get(TENANT_A)).hasSize(3);
        assertThat(once.offsets()).isEqualTo(new SourceOffsets(Map.of(0, 17L, 1, 4L)));
    }

    @Test
    void commitRecordsSourceOffsetsThatNeverGoBackwards() {
        I index = open();
        assertThat(index.appliedSourceOffsets()).isEqualTo(SourceOffsets.NONE);

        index.commit(new SourceOffsets(Map.of(0, 10L, 1, 5L)));
        assertThat(index.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 10L, 1, 5L)));

        index.commit(new SourceOffsets(Map.of(1, 7L, 2, 1L))); // partitions given are advanced, others kept
        assertThat(index.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 10L, 1, 7L, 2, 1L)));

        index.commit(new SourceOffsets(Map.of(0, 3L))); // an older position never moves a partition back
        assertThat(index.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 10L, 1, 7L, 2, 1L)));

        index.commit(new SourceOffsets(Map.of()));
        assertThat(index.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 10L, 1, 7L, 2, 1L)));
    }

    @Test
    void committedPointsAndOffsetsSurviveAReopen() {
        I index = open();
        index.upsert(List.of(point(TENANT_A, "doc", chunk("c1"), 0, vector(1)),
                point(TENANT_A, "doc", chunk("c2"), 1, vector(2))));
        index.commit(new SourceOffsets(Map.of(0, 42L, 3, 7L)));

        I again = track(reopen(index));

        assertThat(again.fingerprint()).isEqualTo(FINGERPRINT);
        assertThat(again.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 42L, 3, 7L)));
        assertThat(again.chunkIds(TENANT_A, "doc")).containsExactlyInAnyOrder(chunk("c1"), chunk("c2"));
        assertThat(top(again, TENANT_A, vector(2)).chunkId()).isEqualTo(chunk("c2"));
        again.commit(new SourceOffsets(Map.of(0, 40L, 3, 9L)));
        assertThat(again.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 42L, 3, 9L)));
    }

    @Test
    void eachLaneRecordsItsOwnSourcePositions() {
        I index = open();
        index.commit(Lane.LIVE, new SourceOffsets(Map.of(0, 10L)));
        index.commit(Lane.BULK, new SourceOffsets(Map.of(0, 4L, 1, 9L)));
        index.commit(Lane.BULK, new SourceOffsets(Map.of(0, 2L))); // never backwards, within a lane too

        assertThat(index.appliedSourceOffsets(Lane.LIVE)).isEqualTo(new SourceOffsets(Map.of(0, 10L)));
        assertThat(index.appliedSourceOffsets()).isEqualTo(new SourceOffsets(Map.of(0, 10L)));
        assertThat(index.appliedSourceOffsets(Lane.BULK)).isEqualTo(new SourceOffsets(Map.of(0, 4L, 1, 9L)));

        index.commit(new SourceOffsets(Map.of(1, 3L))); // the lane-less commit is the live lane's
        assertThat(index.appliedSourceOffsets(Lane.LIVE)).isEqualTo(new SourceOffsets(Map.of(0, 10L, 1, 3L)));
        assertThat(index.appliedSourceOffsets(Lane.BULK)).isEqualTo(new SourceOffsets(Map.of(0, 4L, 1, 9L)));
    }

    @Test
    void deferredOffsetsAreRecordedAsASetAndDroppedOnceTheBulkLaneAppliedThem() {
        I index = open();
        assertThat(index.deferredOffsets().isEmpty()).as("none before any").isTrue();
        index.commitDeferred(new DeferredOffsets(Map.of(
                0, List.of(new DeferredOffsets.Range(3, 4), new DeferredOffsets.Range(9, 9)),
                1, List.of(new DeferredOffsets.Range(2, 2)))));
        index.commit(Lane.LIVE, new SourceOffsets(Map.of(0, 12L, 1, 5L)));

        DeferredOffsets recorded = index.deferredOffsets();
        assertThat(List.of(recorded.contains(0, 3), recorded.contains(0, 4), recorded.contains(0, 9), recorded.contains(1, 2)))
                .containsOnly(true);
        assertThat(List.of(recorded.contains(0, 2), recorded.contains(0, 5), recorded.contains(0, 8), recorded.contains(0, 10),
                recorded.contains(1, 3), recorded.contains(2, 3))).as("applied live, or never seen").containsOnly(false);
        assertThat(index.appliedSourceOffsets(Lane.LIVE_DEFERRED)).as("the highest, for readers from before the set")
                .isEqualTo(new SourceOffsets(Map.of(0, 10L, 1, 3L)));

        index.commit(Lane.BULK, new SourceOffsets(Map.of(0, 5L))); // the bulk lane applied 3 and 4
        index.commitDeferred(DeferredOffsets.of(0, 11));
        assertThat(index.deferredOffsets().ranges(0))
                .containsExactly(new DeferredOffsets.Range(9, 9), new DeferredOffsets.Range(11, 11));

        I again = track(reopenOrSame(index));
        assertThat(again.deferredOffsets().ranges(0))
                .containsExactly(new DeferredOffsets.Range(9, 9), new DeferredOffsets.Range(11, 11));
        assertThat(again.deferredOffsets().ranges(1)).containsExactly(new DeferredOffsets.Range(2, 2));
    }

    @Test
    void aDocumentMarkIsReadBackPerDocumentAndTenantAndSeenByNoRead() {
        I index = open();
        assertThat(index.documentMark(TENANT_A, "doc")).isEmpty();
        index.upsert(List.of(point(TENANT_A, "doc", chunk("c1"), 0, vector(1))));
        DocumentMark mark = new DocumentMark(1, false, 2, 40);
        index.markDocument(TENANT_A, "doc", mark);
        commit(index);

        assertThat(index.documentMark(TENANT_A, "doc")).contains(mark);
        assertThat(index.documentMark(TENANT_B, "doc")).isEmpty();
        assertThat(index.documentMark(TENANT_A, "other")).isEmpty();
        // a mark is no chunk: not searched, listed, counted or deleted with the document's chunks
        assertThat(index.search(new SearchQuery(TENANT_A, vector(1), 10, Map.of()))).hasSize(1);
        assertThat(index.chunkIds(TENANT_A, "doc")).containsExactly(chunk("c1"));
        assertThat(index.document(TENANT_A, "doc").orElseThrow().chunks()).isEqualTo(1);

        DocumentMark tombstone = new DocumentMark(2, true, 2, 41);
        index.deleteDocument(TENANT_A, "doc");
        index.markDocument(TENANT_A, "doc", tombstone);
        commit(index);
        assertThat(index.documentMark(TENANT_A, "doc")).contains(tombstone);
        assertThat(index.document(TENANT_A, "doc")).isEmpty();
    }

    @Test
    void theDocumentCountIsTheMarksOfEveryTenantTombstonesIncludedAndSurvivesAReopen() {
        I index = open();
        assertThat(index.documentCount()).hasValue(0);
        index.upsert(List.of(point(TENANT_A, "doc", chunk("c1"), 0, vector(1)),
                point(TENANT_B, "doc", chunk("c2"), 0, vector(2))));
        index.markDocument(TENANT_A, "doc", new DocumentMark(1, false, 0, 1));
        index.markDocument(TENANT_B, "doc", new DocumentMark(1, false, 0, 2));
        index.markDocument(TENANT_A, "gone", new DocumentMark(4, true, 0, 3));
        commit(index);
        assertThat(index.documentCount()).hasValue(3);

        // a newer mark of a document replaces its mark: still one document
        index.markDocument(TENANT_A, "doc", new DocumentMark(2, false, 0, 4));
        commit(index);
        assertThat(index.documentCount()).as("chunks are not documents; a replaced mark counts once").hasValue(3);

        I again = reopenOrSame(index);
        assertThat(again.documentCount()).as("counted in the store, not in the process").hasValue(3);
    }

    @Test
    void markingAVersionDeletesTheDocumentsChunksOfOlderVersionsOnly() {
        I index = open();
        index.upsert(List.of(
                withPayload(point(TENANT_A, "doc", chunk("old"), 0, vector(1)), new DocumentPayload(1, "t", Map.of())),
                withPayload(point(TENANT_A, "doc", chunk("kept"), 1, vector(2)), new DocumentPayload(3, "t", Map.of())),
                withPayload(point(TENANT_A, "other", chunk("o"), 0, vector(3)), new DocumentPayload(1, "t", Map.of())),
                withPayload(point(TENANT_B, "doc", chunk("b"), 0, vector(4)), new DocumentPayload(1, "t", Map.of()))));
        index.markDocument(TENANT_A, "doc", new DocumentMark(3, false, 0, 7));
        commit(index);

        assertThat(index.chunkIds(TENANT_A, "doc")).containsExactly(chunk("kept"));
        assertThat(index.chunkIds(TENANT_A, "other")).containsExactly(chunk("o"));
        assertThat(index.chunkIds(TENANT_B, "doc")).containsExactly(chunk("b"));
    }

    @Test
    void indexedDocumentsPageThroughTheTenantsLiveMarksOnly() {
        I index = open();
        for (int d = 0; d < 7; d++) {
            String docId = "doc/" + d;
            index.upsert(List.of(withPayload(point(TENANT_A, docId, chunk("c" + d), 0, vector(d)),
                    new DocumentPayload(d + 1, "t", Map.of()))));
            index.markDocument(TENANT_A, docId, new DocumentMark(d + 1, false, 0, d));
        }
        index.deleteDocument(TENANT_A, "doc/3");
        index.markDocument(TENANT_A, "doc/3", new DocumentMark(9, true, 0, 20)); // a tombstone: not listed
        index.upsert(List.of(point(TENANT_B, "doc/0", chunk("b"), 0, vector(1))));
        index.markDocument(TENANT_B, "doc/0", new DocumentMark(1, false, 1, 0)); // another tenant: not listed
        index.upsert(List.of(point(TENANT_A, "unmarked", chunk("u"), 0, vector(2)))); // no mark: not listed
        commit(index);

        Map<String, Long> listed = new java.util.LinkedHashMap<>();
        String cursor = null;
        int pages = 0;
        do {
            IndexedDocumentPage page = index.indexedDocuments(TENANT_A, cursor, 2);
            assertThat(page.documents().size()).isLessThanOrEqualTo(2);
            page.documents().forEach(doc -> assertThat(listed.put(doc.docId(), doc.version()))
                    .as("listed once: " + doc.docId()).isNull());
            cursor = page.next();
            pages++;
        } while (cursor != null && pages < 20);
        assertThat(cursor).as("the listing ends").isNull();
        assertThat(pages).as("paged by 2").isGreaterThanOrEqualTo(3);
        assertThat(listed).containsOnly(Map.entry("doc/0", 1L), Map.entry("doc/1", 2L), Map.entry("doc/2", 3L),
                Map.entry("doc/4", 5L), Map.entry("doc/5", 6L), Map.entry("doc/6", 7L));
        assertThat(index.indexedDocuments("tenant-without-documents", null, 10))
                .isEqualTo(new IndexedDocumentPage(List.of(), null));
    }

    // =====================================================================================================
    // helpers

    /** Opens a new index with {@link #FINGERPRINT}, closed after the test. */
    protected I open() {
        return track(newIndex(FINGERPRINT));
    }

    /** The store reopened where it can be (a restarted process), else the same one. */
    private I reopenOrSame(I index) {
        try {
            return reopen(index);
        } catch (org.opentest4j.TestAbortedException cannot) {
            return index;
        }
    }

    protected I track(I index) {
        opened.add(index);
        return index;
    }

    protected static void commit(VectorIndexWriter index) {
        index.commit(SourceOffsets.NONE);
    }

    /** A deterministic, normalised vector of {@link #DIMENSION} dimensions. */
    public static float[] vector(int seed) {
        return vector(seed, DIMENSION);
    }

    public static float[] vector(int seed, int dimension) {
        Random random = new Random(31L * seed + dimension);
        float[] v = new float[dimension];
        double norm = 0;
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimension; i++) {
            v[i] *= scale;
        }
        return v;
    }

    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    /** A chunk id (UUID string) named for readability. */
    public static String chunk(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    public static IndexPoint point(String tenant, String docId, String chunkId, int seq, float[] vector) {
        String text = "text of " + chunkId;
        return new IndexPoint(tenant, docId, chunkId, seq, sha256(text), text,
                new DocumentPayload(1, "title of " + docId, Map.of()), vector, INDEXED_AT);
    }

    private static IndexPoint tenantPoint(String tenant, String chunkName, int vectorSeed) {
        IndexPoint p = point(tenant, "shared/doc", chunk(chunkName), vectorSeed, vector(vectorSeed));
        return withPayload(p, new DocumentPayload(1, "title of " + tenant, Map.of()));
    }

    public static IndexPoint withPayload(IndexPoint p, DocumentPayload payload) {
        return new IndexPoint(p.tenant(), p.docId(), p.chunkId(), p.seq(), p.hash(), p.text(), payload, p.vector(),
                p.indexedAt());
    }

    public static IndexPoint withMetadata(IndexPoint p, Map<String, String> metadata) {
        return withPayload(p, new DocumentPayload(p.payload().version(), p.payload().title(), metadata));
    }

    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Chunk ids of everything a tenant's search with this filter finds. */
    private static List<String> found(VectorIndexReader index, String tenant, Map<String, String> filter) {
        return index.search(new SearchQuery(tenant, vector(999), 1000, filter)).stream()
                .map(SearchHit::chunkId).toList();
    }

    private static List<String> titles(VectorIndexReader index, String tenant, Map<String, String> filter) {
        return index.search(new SearchQuery(tenant, vector(1), 1000, filter)).stream()
                .map(SearchHit::title).toList();
    }

    private static SearchHit top(VectorIndexReader index, String tenant, float[] vector) {
        List<SearchHit> hits = index.search(new SearchQuery(tenant, vector, 1, Map.of()));
        assertThat(hits).as("hits of tenant %s", tenant).hasSize(1);
        return hits.get(0);
    }

    /** What a reader can observe of an index, with scores rounded so equal states compare equal. */
    private record Snapshot(Map<String, Optional<DocumentStatus>> documents, Map<String, Set<String>> chunkIds,
            Map<String, List<String>> hits, SourceOffsets offsets) {
    }

    private static Snapshot snapshot(VectorIndexReader index) {
        Map<String, Optional<DocumentStatus>> documents = new LinkedHashMap<>();
        Map<String, Set<String>> chunkIds = new LinkedHashMap<>();
        Map<String, List<String>> hits = new LinkedHashMap<>();
        for (String tenant : List.of(TENANT_A, TENANT_B)) {
            for (String docId : List.of("doc-1", "doc-2", "doc-3")) {
                documents.put(tenant + "|" + docId, index.document(tenant, docId));
                chunkIds.put(tenant + "|" + docId, Set.copyOf(index.chunkIds(tenant, docId)));
            }
            hits.put(tenant, index.search(new SearchQuery(tenant, vector(2), 100, Map.of())).stream()
                    .map(h -> h.docId() + "|" + h.chunkId() + "|v" + h.version() + "|s" + h.seq() + "|"
                            + Math.round(h.score() * 1000) + "|" + h.title() + "|" + h.text() + "|"
                            + new java.util.TreeMap<>(h.metadata()))
                    .toList());
        }
        return new Snapshot(documents, chunkIds, hits, index.appliedSourceOffsets());
    }
}
