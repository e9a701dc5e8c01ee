package dev.freshrag.embed.pipeline;

import java.io.IOException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;

/**
 * The real Lucene directory, except that while {@link #full} is set every new file fails as on a full disk, which a
 * test cannot produce on demand. A failed flush is fatal ("tragic") to a Lucene writer.
 */
final class FaultInjectingDirectory extends FilterDirectory {

    volatile boolean full;

    FaultInjectingDirectory(Directory in) {
        super(in);
    }

    @Override
    public IndexOutput createOutput(String name, IOContext context) throws IOException {
        if (full) {
            throw new IOException("injected: No space left on device (" + name + ")");
        }
        return super.createOutput(name, context);
    }
}
