package dev.freshrag.index.lucene;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.IndexUnavailableException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lucene index opened read-only by a process other than the writer (query-service). It takes no lock. Every
 * read first looks for a newer commit (a cheap check of the latest segments file, shared by reads that arrive
 * together), so a query sees each commit made before it; a daemon thread also polls every
 * {@link LuceneOptions#refreshInterval()} so an idle reader stays close to the writer; {@link #refreshNow()} waits
 * for a refresh. Until the writer has created the index, reads answer empty and
 * {@link #isHealthy()} is false. It has no write methods: only {@link LuceneWriterIndex} writes.
 */
public final class LuceneReaderIndex extends LuceneVectorIndex {

    private static final Logger LOG = LoggerFactory.getLogger(LuceneReaderIndex.class);

    private final ScheduledExecutorService refresher;
    /** Set once the index turned out to have another fingerprint; every read then throws it. */
    private volatile RuntimeException failure;
    private volatile boolean refreshFailing;

    private LuceneReaderIndex(Path path, IndexFingerprint fingerprint, LuceneOptions options, Directory directory) {
        super(path, fingerprint, options, directory);
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "freshrag-lucene-refresh[" + path.getFileName() + "]");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Opens the index read-only. If the writer has not created the index yet, this returns at once and the index
     * opens lazily on a later poll.
     *
     * @throws IndexMismatchException the existing index has another fingerprint; if the index appears only
     *                                later with another fingerprint, reads throw it and {@link #isHealthy()}
     *                                stays false
     */
    public static LuceneReaderIndex open(Path dir, IndexFingerprint fp, LuceneOptions opts) {
        checkArguments(dir, fp, opts);
        Directory directory = openDirectory(dir);
        LuceneReaderIndex index = new LuceneReaderIndex(dir, fp, opts, directory);
        try {
            if (!index.tryOpen()) {
                LOG.info("no Lucene index at {} yet; polling for the writer's first commit", dir);
            }
        } catch (IndexMismatchException e) {
            index.close();
            throw e;
        } catch (IOException e) {
            LOG.warn("cannot open the Lucene index at {} yet, will retry: {}", dir, e.toString());
        }
        long every = opts.refreshInterval().toNanos();
        index.refresher.scheduleWithFixedDelay(index::refreshTick, every, every, TimeUnit.NANOSECONDS);
        return index;
    }

    /** Opens the index if the writer has committed it. Returns whether it is open. */
    private boolean tryOpen() throws IOException {
        synchronized (openLock) {
            if (searchers != null) {
                return true;
            }
            if (closed || !DirectoryReader.indexExists(directory)) {
                return false;
            }
            try {
                // the searcher factory parses and checks each commit's fingerprint, also on every refresh
                searchers = new SearcherManager(directory, new CommitSearcherFactory());
            } catch (IndexMismatchException e) {
                failure = e;
                throw e;
            }
            LOG.info("opened Lucene index {} as reader, commit {}", path, commitGeneration());
            return true;
        }
    }

    /**
     * Before a read: open a commit the writer made since the last look. Non-blocking: when another thread is already
     * refreshing, this read goes on with the searcher it has (that refresh will serve the next one).
     */
    @Override
    void beforeRead(SearcherManager m) throws IOException {
        // reading the latest segments file costs microseconds; reopening happens only when it changed
        m.maybeRefresh();
    }

    private void refreshTick() {
        if (closed || failure != null) {
            return;
        }
        try {
            if (searchers == null) {
                tryOpen();
            } else {
                searchers.maybeRefresh();
            }
            if (refreshFailing) {
                LOG.info("refreshing the Lucene index {} works again", path);
            }
            refreshFailing = false;
        } catch (IndexMismatchException e) {
            failure = e;
            LOG.error("refusing the Lucene index at {}: {}", path, e.getMessage());
        } catch (IOException | RuntimeException e) {
            if (closed) {
                return;
            }
            if (!refreshFailing) {
                LOG.warn("cannot refresh the Lucene index at {}, will retry: {}", path, e.toString());
            }
            refreshFailing = true;
        }
    }

    @Override
    public void refreshNow() {
        checkReadable();
        try {
            if (tryOpen()) {
                searchers.maybeRefreshBlocking();
            }
        } catch (IndexMismatchException e) {
            failure = e;
            throw e;
        } catch (IOException e) {
            throw new IndexUnavailableException("cannot refresh the Lucene index at " + path + ": " + e, e);
        }
    }

    @Override
    void checkReadable() {
        ensureOpen();
        RuntimeException f = failure;
        if (f != null) {
            throw new IndexMismatchException(f.getMessage());
        }
    }

    @Override
    CommitMetadata currentCommit() {
        checkReadable();
        SearcherManager m = searchers;
        if (m == null) {
            return null;
        }
        try {
            beforeRead(m);
            IndexSearcher s = m.acquire();
            try {
                return ((CommitSearcher) s).commit;
            } finally {
                m.release(s);
            }
        } catch (IOException e) {
            throw unavailable("read", e);
        }
    }

    /** The index is open, its fingerprint matches and the last refresh worked. */
    @Override
    public boolean isHealthy() {
        return !closed && failure == null && searchers != null && !refreshFailing;
    }

    @Override
    void closeOwnResources() {
        refresher.shutdown(); // no interrupt: Lucene I/O must not be interrupted
        try {
            if (!refresher.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("the refresher of {} did not stop within 10 s", path);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(searchers, directory);
    }

    @Override
    String role() {
        return "reader";
    }

    /** A searcher over one commit, knowing what that commit's user data says. */
    private static final class CommitSearcher extends IndexSearcher {
        final CommitMetadata commit;

        CommitSearcher(IndexReader reader, CommitMetadata commit) {
            super(reader);
            this.commit = commit;
        }
    }

    /** Parses every opened commit and refuses one with another fingerprint. */
    private final class CommitSearcherFactory extends SearcherFactory {
        @Override
        public IndexSearcher newSearcher(IndexReader reader, IndexReader previousReader) {
            Map<String, String> userData;
            try {
                userData = ((DirectoryReader) reader).getIndexCommit().getUserData();
            } catch (IOException e) {
                throw new IndexUnavailableException("cannot read the commit data of " + path, e);
            }
            CommitMetadata commit = CommitMetadata.parse(userData, path);
            commit.requireFingerprint(fingerprint, path);
            return new CommitSearcher(reader, commit);
        }
    }
}
