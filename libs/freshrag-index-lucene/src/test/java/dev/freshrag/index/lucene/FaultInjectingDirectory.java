package dev.freshrag.index.lucene;

import java.io.IOException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FilterDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexOutput;
import org.apache.lucene.store.Lock;

/**
 * The real directory, except that while {@link #refuseWrites} is set every new file fails as on a full disk, and while
 * {@link #refuseLock} is set the write lock cannot be taken. A full disk cannot be had on demand in a test; everything
 * else is the real directory it wraps.
 */
final class FaultInjectingDirectory extends FilterDirectory {

    volatile boolean refuseWrites;
    volatile boolean refuseLock;

    FaultInjectingDirectory(Directory in) {
        super(in);
    }

    @Override
    public IndexOutput createOutput(String name, IOContext context) throws IOException {
        refuseIfFull(name);
        return super.createOutput(name, context);
    }

    @Override
    public IndexOutput createTempOutput(String prefix, String suffix, IOContext context) throws IOException {
        refuseIfFull(prefix);
        return super.createTempOutput(prefix, suffix, context);
    }

    @Override
    public Lock obtainLock(String name) throws IOException {
        if (refuseLock) {
            throw new IOException("injected: cannot take " + name);
        }
        return super.obtainLock(name);
    }

    private void refuseIfFull(String name) throws IOException {
        if (refuseWrites) {
            throw new IOException("injected: No space left on device (" + name + ")");
        }
    }
}
