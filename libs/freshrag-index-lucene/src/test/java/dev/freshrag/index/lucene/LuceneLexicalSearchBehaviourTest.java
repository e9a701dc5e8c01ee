package dev.freshrag.index.lucene;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.LexicalSearchBehaviour;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;

/** The shared lexical and hybrid suite against the Lucene index opened by its writer. */
class LuceneLexicalSearchBehaviourTest extends LexicalSearchBehaviour<LuceneWriterIndex> {

    @TempDir
    Path tmp;

    private final AtomicInteger counter = new AtomicInteger();

    @Override
    protected LuceneWriterIndex newIndex(IndexFingerprint fingerprint) {
        return LuceneWriterIndex.open(tmp.resolve("index-" + counter.incrementAndGet()), fingerprint,
                LuceneOptions.defaults());
    }
}
