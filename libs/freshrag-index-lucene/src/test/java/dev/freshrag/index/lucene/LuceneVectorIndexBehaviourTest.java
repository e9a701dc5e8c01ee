package dev.freshrag.index.lucene;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.VectorIndexBehaviour;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The shared behaviour suite against the Lucene index opened by its writer, one fresh directory per index. */
class LuceneVectorIndexBehaviourTest extends VectorIndexBehaviour<LuceneWriterIndex> {

    @TempDir
    Path tmp;

    private final AtomicInteger counter = new AtomicInteger();

    @Override
    protected LuceneWriterIndex newIndex(IndexFingerprint fingerprint) {
        return LuceneWriterIndex.open(tmp.resolve("index-" + counter.incrementAndGet()), fingerprint,
                LuceneOptions.defaults());
    }

    @org.junit.jupiter.api.Test
    void aLargeWriteIsIndexedAheadInASegmentOfItsOwnAndASmallOneIsNot() throws java.io.IOException {
        LuceneWriterIndex index = open();
        java.util.List<dev.freshrag.index.IndexPoint> large = java.util.stream.IntStream.range(0, LARGE_WRITE)
                .mapToObj(i -> point(TENANT_A, "big", chunk("s-" + i), i, vector(i))).toList();
        java.util.Set<String> filesBefore = java.util.Set.of(index.directory.listAll());
        long generation = index.commitGeneration();

        try (dev.freshrag.index.PreparedPoints prepared = index.prepare(large);
             dev.freshrag.index.PreparedPoints small = index.prepare(large.subList(0, 10))) {
            org.assertj.core.api.Assertions.assertThat(prepared).isInstanceOf(SideSegment.class);
            org.assertj.core.api.Assertions.assertThat(small).isNotInstanceOf(SideSegment.class);
            // built apart: the index's own directory and commits are untouched until the write
            org.assertj.core.api.Assertions.assertThat(index.directory.listAll()).containsExactlyInAnyOrderElementsOf(filesBefore);
            org.assertj.core.api.Assertions.assertThat(index.commitGeneration()).isEqualTo(generation);
            org.assertj.core.api.Assertions.assertThat(index.chunkIds(TENANT_A, "big")).isEmpty();
            org.assertj.core.api.Assertions.assertThat(org.apache.lucene.index.SegmentInfos.readLatestCommit(((SideSegment) prepared).directory()))
                    .as("one segment: one graph to search").hasSize(1);
        }
    }

    @Override
    protected LuceneWriterIndex reopen(LuceneWriterIndex index) {
        index.close();
        return LuceneWriterIndex.open(index.path(), index.fingerprint(), index.options());
    }
}
