package dev.freshrag.index.lucene;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.VectorIndex;
import dev.freshrag.index.VectorIndexBehaviour;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The shared behaviour suite against the Lucene index in writer mode, one fresh directory per index. */
class LuceneVectorIndexBehaviourTest extends VectorIndexBehaviour {

    @TempDir
    Path tmp;

    private final AtomicInteger counter = new AtomicInteger();

    @Override
    protected VectorIndex newIndex(IndexFingerprint fingerprint) {
        return LuceneVectorIndex.openWriter(tmp.resolve("index-" + counter.incrementAndGet()), fingerprint,
                LuceneOptions.defaults());
    }

    @Override
    protected VectorIndex reopen(VectorIndex index) {
        LuceneVectorIndex lucene = (LuceneVectorIndex) index;
        lucene.close();
        return LuceneVectorIndex.openWriter(lucene.path(), lucene.fingerprint(), lucene.options());
    }
}
