package dev.freshrag.index.lucene;

import static dev.freshrag.index.lucene.LuceneSchema.checkId;

import dev.freshrag.index.DocumentMark;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.Lane;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.PreparedPoints;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.VectorIndexWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.apache.lucene.document.Document;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.LockObtainFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Lucene index opened by its single writer (embed-service), holding Lucene's {@code write.lock}. Its reads
 * see its own writes before they are committed (a near-real-time reader), so it can read-modify-write safely.
 * Writes become durable, and visible to other processes, only at {@link #commit}; uncommitted writes are
 * discarded by {@link #close()} and lost on a crash, which is fine because the caller acknowledges its input
 * only after {@code commit} returns.
 */
public final class LuceneWriterIndex extends LuceneVectorIndex implements VectorIndexWriter {

    private static final Logger LOG = LoggerFactory.getLogger(LuceneWriterIndex.class);

    /**
     * How many reopens in a row may fail before {@link #isBroken()} says only a restart can help. A reopen is tried
     * at once after a fatal error and then before each write, so the caller's retry backoff paces them.
     */
    static final int MAX_REOPEN_FAILURES = 3;

    /** Replaced (under {@link #writeLock}) when a fatal error closed it: see {@link #reopen}. */
    private volatile IndexWriter writer;
    /** Reopens that failed since the last one that worked; guarded by {@link #writeLock}. */
    private int reopenFailures;
    private volatile boolean broken;
    private volatile int reopens;
    /** Serialises writes and commits: a payload update reads and rewrites, a commit records what came before. */
    private final Object writeLock = new Object();
    /** Counts writes, so a read refreshes the near-real-time view only when something changed since the last. */
    private final AtomicLong writes = new AtomicLong();
    private volatile long viewAt;
    /**
     * The writes since the view was last refreshed, per document: a write's reads use it with the view instead of a
     * refresh (which would flush a segment per document). Guarded by {@link #writeLock}.
     */
    private final WritesSinceView sinceView = new WritesSinceView();
    /** A write failed part-way: {@link #sinceView} may miss some of it, so the next read refreshes. Under the lock. */
    private boolean sinceViewDoubtful;
    private volatile CommitMetadata lastCommit;

    private LuceneWriterIndex(Path path, IndexFingerprint fingerprint, LuceneOptions options, Directory directory,
            IndexWriter writer, CommitMetadata lastCommit) {
        super(path, fingerprint, options, directory);
        this.writer = writer;
        this.lastCommit = lastCommit;
    }

    /**
     * Opens the index as its single writer, creating it if the directory holds none (then it commits once at
     * once, so readers can open it and see its fingerprint).
     *
     * @throws IndexMismatchException    the existing index has another fingerprint (nothing is changed)
     * @throws IndexUnavailableException another writer holds the write lock, or I/O failed
     */
    public static LuceneWriterIndex open(Path dir, IndexFingerprint fp, LuceneOptions opts) {
        return open(dir, fp, opts, d -> d);
    }

    /**
     * {@link #open(Path, IndexFingerprint, LuceneOptions)} on the directory as {@code wrap} returns it: for
     * instrumentation, and for tests that make the directory fail (a full disk cannot be had on demand).
     */
    public static LuceneWriterIndex open(Path dir, IndexFingerprint fp, LuceneOptions opts, UnaryOperator<Directory> wrap) {
        checkArguments(dir, fp, opts);
        Objects.requireNonNull(wrap, "wrap");
        Directory directory = wrap.apply(openDirectory(dir));
        IndexWriter writer = null;
        try {
            // Refuse a foreign index before taking the lock, so a mismatch never touches it.
            if (DirectoryReader.indexExists(directory)) {
                CommitMetadata.parse(SegmentInfos.readLatestCommit(directory).getUserData(), dir)
                        .requireFingerprint(fp, dir);
            }
            writer = new IndexWriter(directory, writerConfig(opts));
            CommitMetadata commit;
            if (DirectoryReader.indexExists(directory)) {
                Map<String, String> live = new HashMap<>();
                writer.getLiveCommitData().forEach(e -> live.put(e.getKey(), e.getValue()));
                commit = CommitMetadata.parse(live, dir);
                commit.requireFingerprint(fp, dir); // again, now under the lock
                LOG.info("opened Lucene index {} as writer: {} docs, commit {}, offsets {}", dir,
                        writer.getDocStats().numDocs, commit.counter(), commit.offsets());
            } else {
                commit = CommitMetadata.creating(fp);
                writer.setLiveCommitData(commit.toUserData().entrySet());
                writer.commit();
                LOG.info("created Lucene index {} for {}", dir, fp);
            }
            LuceneWriterIndex index = new LuceneWriterIndex(dir, fp, opts, directory, writer, commit);
            index.searchers = new SearcherManager(writer, true, false, null);
            return index;
        } catch (LockObtainFailedException e) {
            closeQuietly(writer, directory);
            throw new IndexUnavailableException("another writer holds the write lock of the Lucene index at " + dir
                    + "; only one process (embed-service) may write it", e);
        } catch (IOException e) {
            closeQuietly(writer, directory);
            throw new IndexUnavailableException("cannot open the Lucene index at " + dir + " for writing: " + e, e);
        } catch (RuntimeException e) {
            closeQuietly(writer, directory);
            throw e;
        }
    }

    private static IndexWriterConfig writerConfig(LuceneOptions opts) {
        IndexWriterConfig cfg = new IndexWriterConfig();
        cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
        cfg.setCodec(HnswCodec.of(opts));
        // Do not wait for merges inside commit(): the default 500 ms makes the commit latency tail.
        cfg.setMaxFullFlushMergeWaitMillis(0);
        cfg.setRAMBufferSizeMB(opts.ramBufferSizeMb());
        // close() discards uncommitted writes: the index only ever holds what commit(offsets) recorded.
        cfg.setCommitOnClose(false);
        return cfg;
    }

    // =====================================================================================================
    // writes

    @Override
    public void upsert(List<IndexPoint> points) {
        ensureOpen();
        List<Document> docs = new ArrayList<>(points.size());
        List<Term> keys = new ArrayList<>(points.size());
        validated(points, docs, keys);
        synchronized (writeLock) {
            try {
                IndexWriter w = usableWriter();
                for (int i = 0; i < docs.size(); i++) {
                    w.updateDocument(keys.get(i), docs.get(i));
                    IndexPoint p = points.get(i);
                    sinceView.chunkWritten(p.tenant(), p.docId(), p.chunkId(), p.payload().version());
                }
            } catch (IOException | AlreadyClosedException e) {
                throw failed("upsert", e);
            } finally {
                writes.incrementAndGet();
            }
        }
    }

    /** Below this many points a write goes straight to the writer: a side segment's copy and flush cost more. */
    static final int SIDE_SEGMENT_MIN_POINTS = 1000;

    /**
     * From {@value #SIDE_SEGMENT_MIN_POINTS} points on, indexes them into a {@link SideSegment} on the caller's thread,
     * without the write lock; fewer are only validated.
     */
    @Override
    public int prepareFrom() {
        return SIDE_SEGMENT_MIN_POINTS;
    }

    @Override
    public PreparedPoints prepare(List<IndexPoint> points) {
        ensureOpen();
        List<Document> docs = new ArrayList<>(points.size());
        List<Term> keys = new ArrayList<>(points.size());
        validated(points, docs, keys);
        if (points.size() < SIDE_SEGMENT_MIN_POINTS) {
            return PreparedPoints.of(points);
        }
        try {
            return SideSegment.build(this, points, docs, keys, writerConfig(options));
        } catch (IOException e) {
            throw new IndexUnavailableException("indexing " + points.size() + " points ahead for the Lucene index at " + path
                    + " failed: " + e, e);
        }
    }

    /**
     * Deletes the points' chunk keys, then adds the side segment whole. Deleting first keeps {@code updateDocument}'s
     * effect, also when the same prepared write is applied again after a failed commit: the copy added the first time
     * goes, so every chunk id stays indexed once.
     */
    @Override
    public void upsert(PreparedPoints prepared) {
        if (!(prepared instanceof SideSegment side) || !side.preparedBy(this)) {
            upsert(prepared.points());
            return;
        }
        ensureOpen();
        synchronized (writeLock) {
            try {
                IndexWriter w = usableWriter();
                w.deleteDocuments(side.keys());
                w.addIndexes(side.directory());
                for (IndexPoint p : side.points()) {
                    sinceView.chunkWritten(p.tenant(), p.docId(), p.chunkId(), p.payload().version());
                }
            } catch (IOException | AlreadyClosedException e) {
                throw failed("upsert of a side segment", e);
            } finally {
                writes.incrementAndGet();
            }
        }
    }

    /** Checks every point before anything changes, and makes its document and chunk key. */
    private void validated(List<IndexPoint> points, List<Document> docs, List<Term> keys) {
        Objects.requireNonNull(points, "points");
        for (IndexPoint p : points) {
            Objects.requireNonNull(p, "point");
            checkId(p.tenant(), "tenant");
            checkId(p.docId(), "docId");
            checkId(p.chunkId(), "chunkId");
            Objects.requireNonNull(p.payload(), "payload");
            fingerprint.requireUsable(p.vector(), "vector of chunk " + p.chunkId());
            docs.add(LuceneSchema.toDocument(p));
            keys.add(LuceneSchema.chunkKey(p.tenant(), p.chunkId()));
        }
    }

    @Override
    public List<String> updatePayload(String tenant, String docId, DocumentPayload payload,
            Map<String, Integer> seqByChunkId) {
        ensureOpen();
        checkId(tenant, "tenant");
        checkId(docId, "docId");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(seqByChunkId, "seqByChunkId");
        synchronized (writeLock) {
            List<String> missing = new ArrayList<>();
            try {
                IndexWriter w = usableWriter();
                // a chunk rewritten since the view is not in it as it is now: only then is the view refreshed
                boolean rewritten = seqByChunkId.keySet().stream().anyMatch(id -> sinceView.chunk(tenant, docId, id)
                        .stream().anyMatch(v -> !WritesSinceView.isDeleted(v)));
                if (rewritten) {
                    refreshView(searchers);
                }
                Map<String, Document> existing = storedChunksInView(tenant, docId);
                for (Map.Entry<String, Integer> e : seqByChunkId.entrySet()) {
                    Document old = existing.get(e.getKey());
                    if (old == null) {
                        missing.add(e.getKey());
                        continue;
                    }
                    Objects.requireNonNull(e.getValue(), "seq of chunk " + e.getKey());
                    w.updateDocument(LuceneSchema.chunkKey(tenant, e.getKey()),
                            LuceneSchema.relabelled(old, tenant, docId, e.getKey(), e.getValue(), payload));
                    sinceView.chunkWritten(tenant, docId, e.getKey(), payload.version());
                }
            } catch (IOException | AlreadyClosedException e) {
                throw failed("updatePayload", e);
            } finally {
                writes.incrementAndGet();
            }
            return missing;
        }
    }

    @Override
    public void deleteDocument(String tenant, String docId) {
        ensureOpen();
        checkId(tenant, "tenant");
        checkId(docId, "docId");
        synchronized (writeLock) {
            try {
                usableWriter().deleteDocuments(LuceneSchema.docKey(tenant, docId));
                sinceView.documentDeleted(tenant, docId);
            } catch (IOException | AlreadyClosedException e) {
                throw failed("deleteDocument", e);
            } finally {
                writes.incrementAndGet();
            }
        }
    }

    @Override
    public void deletePoints(String tenant, String docId, Collection<String> chunkIds) {
        ensureOpen();
        checkId(tenant, "tenant");
        checkId(docId, "docId");
        Objects.requireNonNull(chunkIds, "chunkIds");
        List<Query> queries = new ArrayList<>(chunkIds.size());
        for (String chunkId : chunkIds) {
            checkId(chunkId, "chunkId");
            queries.add(new BooleanQuery.Builder()
                    .add(new TermQuery(LuceneSchema.docKey(tenant, docId)), BooleanClause.Occur.FILTER)
                    .add(new TermQuery(LuceneSchema.chunkKey(tenant, chunkId)), BooleanClause.Occur.FILTER)
                    .build());
        }
        if (queries.isEmpty()) {
            return;
        }
        synchronized (writeLock) {
            try {
                usableWriter().deleteDocuments(queries.toArray(Query[]::new));
                chunkIds.forEach(id -> sinceView.chunkDeleted(tenant, docId, id));
            } catch (IOException | AlreadyClosedException e) {
                throw failed("deletePoints", e);
            } finally {
                writes.incrementAndGet();
            }
        }
    }

    @Override
    public Optional<DocumentMark> documentMark(String tenant, String docId) {
        ensureOpen();
        checkId(tenant, "tenant");
        checkId(docId, "docId");
        synchronized (writeLock) {
            Optional<DocumentMark> written = sinceView.mark(tenant, docId);
            if (written.isPresent()) {
                return written;
            }
            // the mark in the view is the newest unless one was written since: no refresh, hence no flush
            return readView("documentMark", s -> ChunkQueries.mark(s, tenant, docId));
        }
    }

    @Override
    public java.util.OptionalLong documentCount() {
        ensureOpen();
        return java.util.OptionalLong.of(readOwnView("documentCount", ChunkQueries::markCount));
    }

    /** A read that may fail with an I/O error. */
    private interface OwnViewRead<T> {
        T read(IndexSearcher searcher) throws IOException;
    }

    /** {@code read} on this writer's own view (its uncommitted writes included), under the write lock. */
    private <T> T readOwnView(String operation, OwnViewRead<T> read) {
        synchronized (writeLock) {
            try {
                usableWriter();
                refreshView(searchers);
            } catch (IOException | AlreadyClosedException e) {
                throw failed(operation, e);
            }
            return readView(operation, read);
        }
    }

    /**
     * {@code read} on the view as it is (refreshed first only when a failed write left {@link #sinceView} in doubt),
     * under the write lock: the caller adds {@link #sinceView}.
     */
    private <T> T readView(String operation, OwnViewRead<T> read) {
        synchronized (writeLock) {
            try {
                usableWriter();
                SearcherManager m = searchers;
                if (sinceViewDoubtful) {
                    refreshView(m);
                }
                IndexSearcher s = m.acquire();
                try {
                    return read.read(s);
                } finally {
                    m.release(s);
                }
            } catch (IOException | AlreadyClosedException e) {
                throw failed(operation, e);
            }
        }
    }

    /**
     * A document's stored chunks by id in the view, less those deleted since (and all of them when the document was
     * deleted since). A chunk rewritten since is in it as it was: the caller consults {@link #sinceView} for those.
     */
    private Map<String, Document> storedChunksInView(String tenant, String docId) throws IOException {
        Map<String, Document> chunks = sinceView.deletedWhole(tenant, docId) ? new HashMap<>()
                : readView("read chunks", s -> ChunkQueries.storedChunks(s, tenant, docId));
        chunks.keySet().removeIf(id -> sinceView.chunk(tenant, docId, id).stream().anyMatch(WritesSinceView::isDeleted));
        return chunks;
    }

    /** The mark replaces the previous one by its key; chunks labelled below its version go in the same commit. */
    @Override
    public void markDocument(String tenant, String docId, DocumentMark mark) {
        ensureOpen();
        checkId(tenant, "tenant");
        checkId(docId, "docId");
        Objects.requireNonNull(mark, "mark");
        synchronized (writeLock) {
            try {
                IndexWriter w = usableWriter();
                if (!mark.deleted()) {
                    // the label is stored, not indexed: read the document's chunks (few) and delete the older ones;
                    // a chunk written since the view counts at the version written (its old copy in the view is gone)
                    java.util.Set<String> older = new java.util.TreeSet<>();
                    storedChunksInView(tenant, docId).forEach((id, d) -> {
                        if (sinceView.chunk(tenant, docId, id).isEmpty()
                                && d.getField(LuceneSchema.F_VERSION).numericValue().longValue() < mark.version()) {
                            older.add(id);
                        }
                    });
                    sinceView.chunksWritten(tenant, docId).forEach((id, version) -> {
                        if (version < mark.version()) {
                            older.add(id);
                        }
                    });
                    for (String id : older) {
                        w.deleteDocuments(LuceneSchema.chunkKey(tenant, id));
                        sinceView.chunkDeleted(tenant, docId, id);
                    }
                }
                w.updateDocument(LuceneSchema.markKey(tenant, docId), LuceneSchema.toMarkDocument(tenant, docId, mark));
                sinceView.marked(tenant, docId, mark);
            } catch (IOException | AlreadyClosedException e) {
                throw failed("markDocument", e);
            } finally {
                writes.incrementAndGet();
            }
        }
    }

    /**
     * Commits every write so far with the given source offsets merged into the recorded ones. Every call makes a
     * new commit and advances {@link #commitGeneration()}, even when no offset moves.
     */
    @Override
    public void commit(Lane lane, SourceOffsets applied) {
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(applied, "applied");
        commitWith(last -> last.next(lane, applied));
    }

    /** One commit whose user data records {@code passed} in the deferred set (pruned by the recorded bulk position). */
    @Override
    public void commitDeferred(dev.freshrag.index.DeferredOffsets passed) {
        Objects.requireNonNull(passed, "passed");
        commitWith(last -> last.withDeferred(passed));
    }

    private void commitWith(java.util.function.UnaryOperator<CommitMetadata> nextOf) {
        ensureOpen();
        synchronized (writeLock) {
            try {
                IndexWriter w = usableWriter();
                CommitMetadata next = nextOf.apply(lastCommit);
                w.setLiveCommitData(next.toUserData().entrySet());
                w.commit();
                lastCommit = next;
            } catch (IOException | AlreadyClosedException e) {
                throw failed("commit", e);
            }
            // the commit flushed everything: the view opens its segments without a flush of its own, and
            // sinceView starts empty again (it holds at most one commit's writes)
            try {
                refreshView(searchers);
            } catch (IOException | AlreadyClosedException e) {
                LOG.debug("refreshing the view of {} after a commit failed (the next read tries again): {}", path, e.toString());
            }
        }
    }

    // =====================================================================================================
    // recovery from a fatal error

    /**
     * The writer, reopened first if a fatal error (Lucene's "tragic" exception: a full disk during a flush, an I/O
     * error in a commit) closed it. Under {@link #writeLock}.
     *
     * @throws IndexUnavailableException the reopen failed too
     */
    private IndexWriter usableWriter() {
        IndexWriter w = writer;
        if (!w.isOpen() || w.getTragicException() != null) {
            reopen(w.getTragicException());
        }
        return writer;
    }

    /**
     * The exception for a failed write. A writer that hit a fatal error refuses everything from then on, so it is
     * reopened here at once (the retry of the caller's batch then finds a working writer); the writes since the last
     * commit are gone with it, which is why the caller repeats its whole batch. Under {@link #writeLock}.
     */
    private IndexUnavailableException failed(String operation, Exception e) {
        IndexUnavailableException out = new IndexUnavailableException(
                operation + " failed on the Lucene index at " + path + ": " + e, e);
        sinceViewDoubtful = true; // a write may have happened in part
        IndexWriter w = writer;
        if (!closed && (!w.isOpen() || w.getTragicException() != null)) {
            try {
                reopen(w.getTragicException() != null ? w.getTragicException() : e);
            } catch (IndexUnavailableException again) {
                out.addSuppressed(again); // tried again before the next write
            }
        }
        return out;
    }

    /**
     * Replaces a writer that a fatal error closed with a new one on the last commit. The old writer rolled back
     * and released {@code write.lock} when it failed; a new one reads the last durable commit, so
     * {@link #lastCommit} is read again (a commit may have become durable although it threw). Under
     * {@link #writeLock}.
     */
    private void reopen(Throwable cause) {
        LOG.warn("the Lucene writer of {} hit a fatal error ({}); reopening it on the last commit", path, String.valueOf(cause));
        closeQuietly(searchers, writer);
        IndexWriter fresh = null;
        try {
            fresh = new IndexWriter(directory, writerConfig(options));
            Map<String, String> live = new HashMap<>();
            fresh.getLiveCommitData().forEach(e -> live.put(e.getKey(), e.getValue()));
            CommitMetadata commit = CommitMetadata.parse(live, path);
            commit.requireFingerprint(fingerprint, path);
            SearcherManager m = new SearcherManager(fresh, true, false, null);
            writer = fresh;
            searchers = m;
            sinceView.clear(); // the new view is the last commit: everything since is gone
            sinceViewDoubtful = false;
            lastCommit = commit;
            writes.incrementAndGet();
            reopenFailures = 0;
            broken = false;
            reopens++; // only under writeLock
            LOG.info("reopened the Lucene writer of {} on commit {}", path, commit.counter());
        } catch (IOException | RuntimeException e) {
            closeQuietly(fresh);
            reopenFailures++;
            broken = reopenFailures >= MAX_REOPEN_FAILURES;
            throw new IndexUnavailableException("reopening the Lucene writer of " + path + " failed (" + reopenFailures
                    + " in a row): " + e, e);
        }
    }

    /** Writers replaced after a fatal error since this index was opened (logs and tests). */
    public int reopens() {
        return reopens;
    }

    /** A fatal error closed the writer and {@value #MAX_REOPEN_FAILURES} reopens in a row failed: restart the process. */
    @Override
    public boolean isBroken() {
        return broken;
    }

    // =====================================================================================================
    // reads of its own writes

    @Override
    CommitMetadata currentCommit() {
        checkReadable();
        return lastCommit;
    }

    @Override
    void beforeRead(SearcherManager m) throws IOException {
        refreshView(m);
    }

    /**
     * Read your own writes, refreshing the near-real-time reader only if something changed. Under the write lock, so
     * that no write comes between the refresh and forgetting {@link #sinceView}. A refresh flushes the buffered
     * documents into a segment.
     */
    private void refreshView(SearcherManager m) throws IOException {
        synchronized (writeLock) {
            long w = writes.get();
            if (w != viewAt || sinceViewDoubtful) {
                m.maybeRefreshBlocking();
                viewAt = w;
                sinceView.clear();
                sinceViewDoubtful = false;
            }
        }
    }

    @Override
    public void refreshNow() {
        ensureOpen();
        try {
            writes.incrementAndGet();
            refreshView(searchers);
        } catch (IOException e) {
            throw new IndexUnavailableException("cannot refresh the Lucene index at " + path + ": " + e, e);
        }
    }

    /** Open and not failed. */
    @Override
    public boolean isHealthy() {
        return !closed && writer.isOpen() && writer.getTragicException() == null;
    }

    @Override
    void closeOwnResources() {
        closeQuietly(searchers, writer, directory);
    }

    @Override
    String role() {
        return "writer";
    }
}
