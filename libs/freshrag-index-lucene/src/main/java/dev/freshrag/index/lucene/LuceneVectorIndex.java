package dev.freshrag.index.lucene;

import static dev.freshrag.index.lucene.LuceneSchema.checkId;

import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.VectorIndexReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded vector index: one Lucene index directory, written by exactly one process and read by any
 * number of others. It is opened in one of two ways:
 *
 * <ul>
 *   <li>{@link LuceneWriterIndex#open} (embed-service) holds Lucene's {@code write.lock} and reads its own
 *       writes before they are committed;</li>
 *   <li>{@link LuceneReaderIndex#open} (query-service, another process) takes no lock and polls for commits.</li>
 * </ul>
 *
 * <p>This class holds what both share: reads through a {@link SearcherManager} (which the two fill
 * differently), the commit they see ({@link CommitMetadata}) and closing. The layout of a chunk is
 * {@link LuceneSchema}; the queries are {@link ChunkQueries}. Both refuse an index whose fingerprint differs
 * from theirs with {@link IndexMismatchException}.
 */
public abstract sealed class LuceneVectorIndex implements VectorIndexReader
        permits LuceneWriterIndex, LuceneReaderIndex {

    private static final Logger LOG = LoggerFactory.getLogger(LuceneVectorIndex.class);

    /** The largest vector dimension accepted (Lucene's own default limit is 1024; Qdrant's is 65536). */
    public static final int MAX_DIMENSION = 65_536;

    /** Least number of HNSW candidates a search explores: the one figure of both adapters, see SearchQuery. */
    public static final int SEARCH_CANDIDATES = dev.freshrag.index.SearchQuery.HNSW_CANDIDATES;

    final Path path;
    final IndexFingerprint fingerprint;
    final LuceneOptions options;
    final Directory directory;
    /** Guards opening searchers against a concurrent close. */
    final Object openLock = new Object();
    /** Null in a reader until the writer's first commit has been opened. */
    volatile SearcherManager searchers;
    volatile boolean closed;

    LuceneVectorIndex(Path path, IndexFingerprint fingerprint, LuceneOptions options, Directory directory) {
        this.path = path;
        this.fingerprint = fingerprint;
        this.options = options;
        this.directory = directory;
    }

    static void checkArguments(Path dir, IndexFingerprint fp, LuceneOptions opts) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(fp, "fingerprint");
        Objects.requireNonNull(opts, "options");
        if (fp.modelId() == null || fp.modelId().isBlank()) {
            throw new IllegalArgumentException("fingerprint needs a model id");
        }
        if (fp.dimension() < 1 || fp.dimension() > MAX_DIMENSION) {
            throw new IllegalArgumentException("dimension must be in 1.." + MAX_DIMENSION + ", was " + fp.dimension());
        }
    }

    static Directory openDirectory(Path dir) {
        try {
            return FSDirectory.open(dir);
        } catch (IOException e) {
            throw new IndexUnavailableException("cannot open directory " + dir + ": " + e, e);
        }
    }

    // =====================================================================================================
    // what each side does its own way

    /** The commit this instance reads, or null if none is open yet; checks that it is usable. */
    abstract CommitMetadata currentCommit();

    /** Called before every read with the searchers about to be used; the writer brings its view up to date. */
    void beforeRead(SearcherManager m) throws IOException {
    }

    /** Throws if this instance cannot answer reads: closed, or (a reader) refusing the index it found. */
    void checkReadable() {
        ensureOpen();
    }

    /**
     * Makes the latest state visible to this instance's reads now instead of at the next poll: a reader opens
     * the latest commit (or the index, if it appeared); the writer refreshes its near-real-time view.
     *
     * @throws IndexMismatchException the index appeared with another fingerprint
     */
    public abstract void refreshNow();

    /** Releases what this side holds besides the searchers and the directory. */
    abstract void closeOwnResources();

    // =====================================================================================================
    // reads

    /** The index directory. */
    public Path path() {
        return path;
    }

    public LuceneOptions options() {
        return options;
    }

    /**
     * FreshRAG's commit counter: 0 for the commit that created the index, +1 for every commit. The writer
     * answers its last commit; a reader the latest commit it has opened, or -1 if none yet.
     */
    public long commitGeneration() {
        CommitMetadata commit = currentCommit();
        return commit == null ? -1 : commit.counter();
    }

    @Override
    public IndexFingerprint fingerprint() {
        return fingerprint;
    }

    @Override
    public SourceOffsets appliedSourceOffsets(dev.freshrag.index.Lane lane) {
        CommitMetadata commit = currentCommit();
        return commit == null ? SourceOffsets.NONE : commit.offsets(lane);
    }

    @Override
    public dev.freshrag.index.DeferredOffsets deferredOffsets() {
        CommitMetadata commit = currentCommit();
        return commit == null ? dev.freshrag.index.DeferredOffsets.NONE : commit.pendingDeferred();
    }

    @Override
    public List<SearchHit> search(SearchQuery query) {
        Objects.requireNonNull(query, "query");
        checkId(query.tenant(), "tenant");
        fingerprint.requireUsable(query.vector(), "query vector");
        return withSearcher(List.of(), s -> ChunkQueries.search(s, query));
    }

    @Override
    public List<SearchHit> searchLexical(dev.freshrag.index.LexicalQuery query) {
        Objects.requireNonNull(query, "query");
        checkId(query.tenant(), "tenant");
        return withSearcher(List.of(), s -> ChunkQueries.searchLexical(s, query));
    }

    @Override
    public Optional<DocumentStatus> document(String tenant, String docId) {
        checkId(tenant, "tenant");
        checkId(docId, "docId");
        return withSearcher(Optional.empty(), s -> ChunkQueries.document(s, tenant, docId));
    }

    @Override
    public List<String> chunkIds(String tenant, String docId) {
        checkId(tenant, "tenant");
        checkId(docId, "docId");
        return withSearcher(List.of(), s -> ChunkQueries.chunkIds(s, tenant, docId));
    }

    @Override
    public List<DocumentStatus> documents(String tenant, String docIdPrefix, int limit) {
        checkId(tenant, "tenant");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        String prefix = docIdPrefix == null ? "" : docIdPrefix;
        return withSearcher(List.of(), s -> ChunkQueries.documents(s, tenant, prefix, limit));
    }

    /** Lucene pages by docId: the cursor is the last docId of the previous page. */
    @Override
    public dev.freshrag.index.IndexedDocumentPage indexedDocuments(String tenant, String cursor, int limit) {
        checkId(tenant, "tenant");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        String after = cursor == null ? "" : cursor;
        return withSearcher(new dev.freshrag.index.IndexedDocumentPage(List.of(), null),
                s -> ChunkQueries.indexedDocuments(s, tenant, after, limit));
    }

    @Override
    public List<SearchHit> chunks(String tenant, String docId) {
        checkId(tenant, "tenant");
        checkId(docId, "docId");
        return withSearcher(List.of(), s -> ChunkQueries.chunks(s, tenant, docId));
    }

    interface SearchFunction<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    /** Runs {@code function} on an acquired searcher, or answers {@code whenNotOpen} if no index is open yet. */
    <T> T withSearcher(T whenNotOpen, SearchFunction<T> function) {
        checkReadable();
        SearcherManager m = searchers;
        if (m == null) {
            return whenNotOpen;
        }
        try {
            beforeRead(m);
            IndexSearcher s = m.acquire();
            try {
                return function.apply(s);
            } finally {
                m.release(s);
            }
        } catch (IOException e) {
            throw unavailable("read", e);
        }
    }

    // =====================================================================================================
    // lifecycle

    /** Stops background work and releases searchers, the writer (discarding uncommitted writes) and its lock. */
    @Override
    public final void close() {
        synchronized (openLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        closeOwnResources();
        LOG.info("closed Lucene index {} ({})", path, role());
    }

    abstract String role();

    @Override
    public String toString() {
        return "LuceneVectorIndex[" + path + ", " + role() + ", " + fingerprint + "]";
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the Lucene index at " + path + " is closed");
        }
    }

    IndexUnavailableException unavailable(String operation, IOException e) {
        return new IndexUnavailableException(operation + " failed on the Lucene index at " + path + ": " + e, e);
    }

    static void closeQuietly(AutoCloseable... closeables) {
        for (AutoCloseable c : closeables) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", c, e.toString());
            }
        }
    }
}
