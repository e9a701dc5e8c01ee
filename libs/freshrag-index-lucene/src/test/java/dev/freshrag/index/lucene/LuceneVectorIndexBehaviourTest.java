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

    @Override
    protected LuceneWriterIndex reopen(LuceneWriterIndex index) {
        index.close();
        return LuceneWriterIndex.open(index.path(), index.fingerprint(), index.options());
    }
}
