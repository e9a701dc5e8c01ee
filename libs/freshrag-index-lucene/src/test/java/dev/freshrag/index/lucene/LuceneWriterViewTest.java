package dev.freshrag.index.lucene;

import static dev.freshrag.index.VectorIndexBehaviour.chunk;
import static dev.freshrag.index.VectorIndexBehaviour.point;
import static dev.freshrag.index.VectorIndexBehaviour.vector;
import static dev.freshrag.index.VectorIndexBehaviour.withPayload;
import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.index.DocumentMark;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.SourceOffsets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer's reads between its own writes (a document's mark before its change is applied, its chunks' versions
 * when the new mark deletes the older ones) come from its view plus what it wrote since ({@link WritesSinceView}), not
 * from a refresh per document: a refresh flushes a segment, and a slice of many documents made as many segments. These
 * tests pin both halves: one commit of a slice is one segment, and the answers are those of a refreshed view through
 * rewrites, relabels, deletes and several versions of one document between two commits.
 */
class LuceneWriterViewTest {

    private static final IndexFingerprint FP = new IndexFingerprint("minilm-test", 8);
    private static final String T = "tenant-a";

    @TempDir
    Path tmp;

    private LuceneWriterIndex writer;

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
    }

    private static IndexPoint at(long version, String docId, String chunkName, int seed) {
        return withPayload(point(T, docId, chunk(chunkName), seed, vector(seed)),
                new DocumentPayload(version, "title of " + docId, Map.of()));
    }

    /** As the embed-service applies a slice: per document, its mark (the version guard), its chunks, its new mark. */
    private void applyDocument(String docId, long version, int seed) {
        writer.documentMark(T, docId);
        writer.upsert(List.of(at(version, docId, docId + "-a", seed), at(version, docId, docId + "-b", seed + 1)));
        writer.markDocument(T, docId, new DocumentMark(version, false, 0, seed));
    }

    private int segments(Path dir) throws IOException {
        try (FSDirectory d = FSDirectory.open(dir); DirectoryReader r = DirectoryReader.open(d)) {
            return r.leaves().size();
        }
    }

    @Test
    void aSliceOfSeveralDocumentsIsCommittedAsOneSegment() throws IOException {
        Path dir = tmp.resolve("idx");
        writer = LuceneWriterIndex.open(dir, FP, LuceneOptions.defaults());
        for (int d = 0; d < 6; d++) {
            applyDocument("doc-" + d, 1, 10 * d + 1);
        }
        writer.commit(new SourceOffsets(Map.of(0, 6L)));

        assertThat(segments(dir)).as("six documents written between two commits: one flush, at the commit").isEqualTo(1);

        // the next slice: a new version of three of them, and three new documents
        for (int d = 3; d < 9; d++) {
            applyDocument("doc-" + d, 2, 10 * d + 5);
        }
        writer.commit(new SourceOffsets(Map.of(0, 12L)));
        assertThat(segments(dir)).as("the second slice adds one segment").isEqualTo(2);
        for (int d = 0; d < 9; d++) {
            assertThat(writer.documentMark(T, "doc-" + d)).map(DocumentMark::version).contains(d < 3 ? 1L : 2L);
        }
        assertThat(writer.chunkIds(T, "doc-4")).hasSize(2);
    }

    /** Chunk id -> version, as a search of the writer's refreshed view finds them. */
    private Map<String, Long> versions(String docId) {
        Map<String, Long> found = new TreeMap<>();
        for (SearchHit h : writer.search(new SearchQuery(T, vector(1), 100, Map.of()))) {
            if (h.docId().equals(docId)) {
                found.put(h.chunkId(), h.version());
            }
        }
        return found;
    }

    @Test
    void versionsWrittenRelabelledAndDeletedBetweenTwoCommitsLeaveExactlyTheNewestVersionsChunks() {
        Path dir = tmp.resolve("idx");
        writer = LuceneWriterIndex.open(dir, FP, LuceneOptions.defaults());
        writer.upsert(List.of(at(1, "doc", "a", 1), at(1, "doc", "b", 2), at(1, "doc", "c", 3)));
        writer.markDocument(T, "doc", new DocumentMark(1, false, 0, 1));
        writer.commit(new SourceOffsets(Map.of(0, 1L)));

        // v2: b rewritten, c relabelled, a dropped (the mark deletes it); nothing read in between refreshes
        assertThat(writer.documentMark(T, "doc")).map(DocumentMark::version).contains(1L);
        writer.upsert(List.of(at(2, "doc", "b", 4)));
        assertThat(writer.updatePayload(T, "doc", new DocumentPayload(2, "title of doc", Map.of()),
                Map.of(chunk("c"), 1))).isEmpty();
        writer.markDocument(T, "doc", new DocumentMark(2, false, 0, 2));
        assertThat(writer.documentMark(T, "doc")).as("the mark written since the view").map(DocumentMark::version).contains(2L);

        // v3 before any commit: a back, c deleted, b not in v3 (written at v2 since the view: the mark deletes it)
        writer.upsert(List.of(at(3, "doc", "a", 5)));
        writer.deletePoints(T, "doc", List.of(chunk("c")));
        assertThat(writer.updatePayload(T, "doc", new DocumentPayload(3, "title of doc", Map.of()),
                Map.of(chunk("c"), 2))).as("c was deleted since the view: missing, not relabelled").containsExactly(chunk("c"));
        writer.markDocument(T, "doc", new DocumentMark(3, false, 0, 3));

        assertThat(versions("doc")).isEqualTo(Map.of(chunk("a"), 3L));
        writer.commit(new SourceOffsets(Map.of(0, 3L)));
        assertThat(versions("doc")).isEqualTo(Map.of(chunk("a"), 3L));
        assertThat(writer.documentMark(T, "doc")).map(DocumentMark::version).contains(3L);
    }

    @Test
    void aRelabelOfAChunkRewrittenSinceTheViewRelabelsItsNewContent() {
        Path dir = tmp.resolve("idx");
        writer = LuceneWriterIndex.open(dir, FP, LuceneOptions.defaults());
        writer.upsert(List.of(at(1, "doc", "a", 1)));
        writer.markDocument(T, "doc", new DocumentMark(1, false, 0, 1));
        writer.commit(new SourceOffsets(Map.of(0, 1L)));

        IndexPoint rewritten = at(2, "doc", "a", 7);
        writer.upsert(List.of(rewritten));
        writer.markDocument(T, "doc", new DocumentMark(2, false, 0, 2));
        assertThat(writer.updatePayload(T, "doc", new DocumentPayload(3, "title of doc", Map.of()), Map.of(chunk("a"), 0)))
                .isEmpty();
        writer.markDocument(T, "doc", new DocumentMark(3, false, 0, 3));

        List<SearchHit> hits = writer.search(new SearchQuery(T, vector(7), 1, Map.of()));
        assertThat(hits).singleElement().satisfies(h -> {
            assertThat(h.chunkId()).isEqualTo(chunk("a"));
            assertThat(h.version()).isEqualTo(3L);
            assertThat(h.text()).as("the content written at v2, relabelled").isEqualTo(rewritten.text());
        });
    }

    @Test
    void aDocumentDeletedAndWrittenAgainBetweenTwoCommitsHoldsOnlyItsNewChunks() {
        Path dir = tmp.resolve("idx");
        writer = LuceneWriterIndex.open(dir, FP, LuceneOptions.defaults());
        writer.upsert(List.of(at(1, "doc", "a", 1), at(1, "doc", "b", 2)));
        writer.markDocument(T, "doc", new DocumentMark(1, false, 0, 1));
        writer.commit(new SourceOffsets(Map.of(0, 1L)));

        writer.deleteDocument(T, "doc");
        writer.markDocument(T, "doc", new DocumentMark(2, true, 0, 2));
        assertThat(writer.documentMark(T, "doc")).map(DocumentMark::deleted).contains(true);
        assertThat(writer.updatePayload(T, "doc", new DocumentPayload(3, "title of doc", Map.of()), Map.of(chunk("b"), 1)))
                .as("deleted with its document since the view").containsExactly(chunk("b"));
        writer.upsert(List.of(at(3, "doc", "c", 3)));
        writer.markDocument(T, "doc", new DocumentMark(3, false, 0, 3));

        assertThat(versions("doc")).isEqualTo(Map.of(chunk("c"), 3L));
        writer.commit(new SourceOffsets(Map.of(0, 3L)));
        writer.close();
        writer = LuceneWriterIndex.open(dir, FP, LuceneOptions.defaults());
        assertThat(versions("doc")).as("after a reopen").isEqualTo(Map.of(chunk("c"), 3L));
        assertThat(writer.documentMark(T, "doc")).map(DocumentMark::version).contains(3L);
    }
}
