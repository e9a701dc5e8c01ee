package dev.freshrag.index.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.index.DocumentMark;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.Lane;
import dev.freshrag.index.LexicalQuery;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.SourceOffsets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An index that FreshRAG wrote with Lucene 9.12.3 (before the move to Lucene 10) opens, searches and takes new
 * writes, and its fingerprint, applied source offsets and document marks survive.
 *
 * <p>The fixture in {@code src/test/resources/lucene9-index} was written by the build of commit 5d9434a (Lucene 9.12.3,
 * JDK 17) through {@code LuceneWriterIndex}: fingerprint ("fixture-model", 4); tenant t1 with pep-572 (two chunks,
 * version 3, vectors (1,0,0,0) and (0.8,0.6,0,0)) and pep-634 (one chunk, (0,0,1,0)); tenant t2 with one chunk; marks
 * t1/pep-572 (version 3, partition 0, offset 41) and t1/pep-999 (deleted, version 2, partition 1, offset 6); a live
 * commit with offset 41 of partition 0 applied and a bulk commit with offset 6 of partition 1 applied.
 */
class LuceneNineIndexTest {

    private static final IndexFingerprint FP = new IndexFingerprint("fixture-model", 4);
    @TempDir
    Path tmp;

    @Test
    void aReaderOpensTheLucene9IndexWithItsFingerprintOffsetsAndContent() throws IOException {
        Path dir = Lucene9Fixture.copyTo(tmp);
        try (LuceneReaderIndex reader = LuceneReaderIndex.open(dir, FP, LuceneOptions.defaults())) {
            assertThat(reader.fingerprint()).isEqualTo(FP);
            assertThat(reader.appliedSourceOffsets(Lane.LIVE)).isEqualTo(SourceOffsets.applied(0, 41));
            assertThat(reader.appliedSourceOffsets(Lane.BULK)).isEqualTo(SourceOffsets.applied(1, 6));

            List<SearchHit> dense = reader.search(new SearchQuery("t1", new float[] {1, 0, 0, 0}, 3, Map.of()));
            assertThat(dense).extracting(SearchHit::chunkId).containsExactly(
                    "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000002",
                    "00000000-0000-0000-0000-000000000003");
            assertThat(dense.get(0).title()).isEqualTo("Walrus operator");
            assertThat(dense.get(0).version()).isEqualTo(3);

            List<SearchHit> lexical = reader.searchLexical(new LexicalQuery("t1", "pattern matching", 5, Map.of()));
            assertThat(lexical).extracting(SearchHit::docId).containsExactly("pep-634");
            assertThat(reader.chunkIds("t2", "pep-572")).containsExactly("00000000-0000-0000-0000-000000000004");
        }
    }

    @Test
    void aWriterKeepsTheMarksAndOffsetsAndWritesNewSegmentsInTheCurrentFormat() throws IOException {
        Path dir = Lucene9Fixture.copyTo(tmp);
        try (LuceneWriterIndex writer = LuceneWriterIndex.open(dir, FP, LuceneOptions.defaults())) {
            assertThat(writer.documentMark("t1", "pep-572")).contains(new DocumentMark(3, false, 0, 41));
            assertThat(writer.documentMark("t1", "pep-999")).contains(new DocumentMark(2, true, 1, 6));
            assertThat(writer.appliedSourceOffsets(Lane.LIVE)).isEqualTo(SourceOffsets.applied(0, 41));

            writer.upsert(List.of(new IndexPoint("t1", "pep-695", "00000000-0000-0000-0000-000000000005", 0, "h5",
                    "Type parameter syntax", new DocumentPayload(1, "Type parameters", Map.of()),
                    new float[] {0, 1, 0, 0}, 2000L)));
            writer.commit(Lane.LIVE, SourceOffsets.applied(0, 42));
        }

        try (FSDirectory fs = FSDirectory.open(dir)) {
            SegmentInfos infos = SegmentInfos.readLatestCommit(fs);
            assertThat(infos.getIndexCreatedVersionMajor()).isEqualTo(9);
            assertThat(infos).extracting(sci -> sci.info.getVersion().major).contains(9, 10);
            assertThat(infos.getUserData()).containsEntry(CommitMetadata.UD_MODEL, "fixture-model")
                    .containsEntry(CommitMetadata.UD_BULK_SOURCE_PREFIX + "1", "7");
        }
        try (LuceneReaderIndex reader = LuceneReaderIndex.open(dir, FP, LuceneOptions.defaults())) {
            assertThat(reader.appliedSourceOffsets(Lane.LIVE)).isEqualTo(SourceOffsets.applied(0, 42));
            assertThat(reader.search(new SearchQuery("t1", new float[] {0, 1, 0, 0}, 1, Map.of())))
                    .extracting(SearchHit::docId).containsExactly("pep-695");
            assertThat(reader.search(new SearchQuery("t1", new float[] {0, 0, 1, 0}, 1, Map.of())))
                    .extracting(SearchHit::docId).containsExactly("pep-634");
        }
    }

    @Test
    void aMismatchedModelIsStillRefused() {
        Path dir = Lucene9Fixture.copyTo(tmp);
        assertThatThrownBy(() -> LuceneReaderIndex.open(dir, new IndexFingerprint("other-model", 4), LuceneOptions.defaults()))
                .isInstanceOf(IndexMismatchException.class).hasMessageContaining("fixture-model");
    }
}
