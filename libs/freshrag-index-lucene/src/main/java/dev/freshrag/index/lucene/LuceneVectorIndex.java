package dev.freshrag.index.lucene;

import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.VectorIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.IndexableField;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded vector index: one Lucene index directory, written by exactly one process and read by any
 * number of others.
 *
 * <ul>
 *   <li>{@link #openWriter} (embed-service) holds Lucene's {@code write.lock}. Its reads see its own writes
 *       before they are committed (near-real-time reader), so it can read-modify-write safely. Writes become
 *       durable, and visible to other processes, only at {@link #commit(Map)}; uncommitted writes are
 *       discarded by {@link #close()} and lost on a crash, which is fine because the caller acknowledges its
 *       input only after {@code commit} returns.</li>
 *   <li>{@link #openReader} (query-service, another process) takes no lock. A daemon thread polls the
 *       directory every {@link LuceneOptions#refreshInterval()} for a new commit; {@link #refreshNow()}
 *       does it at once. Until the writer has created the index, reads answer empty and
 *       {@link #isHealthy()} is false. Write methods throw {@link UnsupportedOperationException}.</li>
 * </ul>
 *
 * <p>Every commit carries, in Lucene's commit user data, the {@link IndexFingerprint}, a FreshRAG commit
 * counter ({@link #commitGeneration()}; Lucene's own generation skips after interrupted commits) and the
 * applied source offsets as {@code src.<partition>} entries. Both modes refuse an index whose fingerprint
 * differs from theirs with {@link IndexMismatchException}.
 */
public final class LuceneVectorIndex implements VectorIndex {

    private static final Logger LOG = LoggerFactory.getLogger(LuceneVectorIndex.class);

    /** The largest vector dimension accepted (Lucene's own default limit is 1024; Qdrant's is 65536). */
    public static final int MAX_DIMENSION = 65_536;

    /** Least number of HNSW candidates a search explores (Lucene's k, i.e. ef at query time); the best k are kept. */
    public static final int SEARCH_CANDIDATES = 100;

    // ---- field names
    static final String F_TENANT = "tenant";
    static final String F_DOC_ID = "docId";
    /** tenant + docId, indexed only: the exact key of a document, for deletes and lookups. */
    static final String F_DOC_KEY = "docKey";
    static final String F_CHUNK_ID = "chunkId";
    /** tenant + chunkId, indexed only: the update key of a point, so ids never collide across tenants. */
    static final String F_CHUNK_KEY = "chunkKey";
    static final String F_SEQ = "seq";
    static final String F_HASH = "hash";
    static final String F_VERSION = "version";
    static final String F_TITLE = "title";
    static final String F_TEXT = "text";
    static final String F_INDEXED_AT = "indexedAt";
    static final String F_VECTOR = "vector";
    /** The vector again as little-endian float bytes, so a payload update needs no re-embedding. */
    static final String F_VECTOR_BYTES = "vectorBytes";
    /** Prefix of one field per metadata key: stored with the value, indexed with {@link #metaTerm}. */
    static final String META_PREFIX = "meta.";

    // ---- commit user data keys
    static final String UD_MODEL = "freshrag.model";
    static final String UD_DIMENSION = "freshrag.dimension";
    static final String UD_COMMIT = "freshrag.commit";
    static final String UD_SOURCE_PREFIX = "src.";

    /** Metadata values longer than this (UTF-8 bytes) are indexed by their SHA-256, to stay below Lucene's term limit. */
    private static final int MAX_META_TERM_BYTES = 512;

    private static final Set<String> STATUS_FIELDS = Set.of(F_VERSION, F_INDEXED_AT);
    private static final Set<String> CHUNK_FIELDS = Set.of(F_CHUNK_ID, F_SEQ);

    private final Path path;
    private final IndexFingerprint fingerprint;
    private final LuceneOptions options;
    private final Directory directory;

    // writer mode
    private final IndexWriter writer;
    private final Object writeLock = new Object();
    private final AtomicLong writes = new AtomicLong();
    private volatile long viewAt;
    private volatile CommitInfo lastCommit;

    // reader mode
    private final ScheduledExecutorService refresher;
    private final Object openLock = new Object();
    private volatile RuntimeException failure;
    private volatile boolean refreshFailing;

    /** Null in reader mode until the writer's first commit has been opened. */
    private volatile SearcherManager searchers;
    private volatile boolean closed;

    private LuceneVectorIndex(Path path, IndexFingerprint fingerprint, LuceneOptions options, Directory directory,
            IndexWriter writer, CommitInfo lastCommit) {
        this.path = path;
        this.fingerprint = fingerprint;
        this.options = options;
        this.directory = directory;
        this.writer = writer;
        this.lastCommit = lastCommit;
        this.refresher = writer != null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "freshrag-lucene-refresh[" + path.getFileName() + "]");
            t.setDaemon(true);
            return t;
        });
    }

    // =====================================================================================================
    // opening

    /**
     * Opens the index as its single writer, creating it if the directory holds none (then it commits once at
     * once, so readers can open it and see its fingerprint).
     *
     * @throws IndexMismatchException    the existing index has another fingerprint (nothing is changed)
     * @throws IndexUnavailableException another writer holds the write lock, or I/O failed
     */
    public static LuceneVectorIndex openWriter(Path dir, IndexFingerprint fp, LuceneOptions opts) {
        checkArguments(dir, fp, opts);
        Directory directory = openDirectory(dir);
        IndexWriter writer = null;
        try {
            // Refuse a foreign index before taking the lock, so a mismatch never touches it.
            if (DirectoryReader.indexExists(directory)) {
                CommitInfo.parse(SegmentInfos.readLatestCommit(directory).getUserData(), dir)
                        .requireFingerprint(fp, dir);
            }
            writer = new IndexWriter(directory, writerConfig(opts));
            CommitInfo info;
            Map<String, String> live = new HashMap<>();
            writer.getLiveCommitData().forEach(e -> live.put(e.getKey(), e.getValue()));
            if (DirectoryReader.indexExists(directory)) {
                info = CommitInfo.parse(live, dir);
                info.requireFingerprint(fp, dir); // again, now under the lock
                LOG.info("opened Lucene index {} as writer: {} docs, commit {}, offsets {}", dir,
                        writer.getDocStats().numDocs, info.counter(), info.offsets());
            } else {
                info = new CommitInfo(fp, 0, Map.of());
                writer.setLiveCommitData(info.toUserData().entrySet());
                writer.commit();
                LOG.info("created Lucene index {} for {}", dir, fp);
            }
            LuceneVectorIndex index = new LuceneVectorIndex(dir, fp, opts, directory, writer, info);
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

    /**
     * Opens the index read-only, for a process other than the writer. If the writer has not created the index
     * yet, this returns at once and the index opens lazily on a later poll.
     *
     * @throws IndexMismatchException the existing index has another fingerprint; if the index appears only
     *                                later with another fingerprint, reads throw it and {@link #isHealthy()}
     *                                stays false
     */
    public static LuceneVectorIndex openReader(Path dir, IndexFingerprint fp, LuceneOptions opts) {
        checkArguments(dir, fp, opts);
        Directory directory = openDirectory(dir);
        LuceneVectorIndex index = new LuceneVectorIndex(dir, fp, opts, directory, null, null);
        try {
            if (!index.tryOpenReader()) {
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

    private static void checkArguments(Path dir, IndexFingerprint fp, LuceneOptions opts) {
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

    private static Directory openDirectory(Path dir) {
        try {
            return FSDirectory.open(dir);
        } catch (IOException e) {
            throw new IndexUnavailableException("cannot open directory " + dir + ": " + e, e);
        }
    }

    private static IndexWriterConfig writerConfig(LuceneOptions opts) {
        IndexWriterConfig cfg = new IndexWriterConfig();
        cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
        cfg.setCodec(codec(opts));
        // Do not wait for merges inside commit(): the default 500 ms makes the commit latency tail.
        cfg.setMaxFullFlushMergeWaitMillis(0);
        cfg.setRAMBufferSizeMB(opts.ramBufferSizeMb());
        // close() discards uncommitted writes: the index only ever holds what commit(offsets) recorded.
        cfg.setCommitOnClose(false);
        return cfg;
    }

    private static Codec codec(LuceneOptions opts) {
        KnnVectorsFormat format = new AnyDimensionVectorsFormat(
                new Lucene99HnswVectorsFormat(opts.hnswMaxConn(), opts.hnswBeamWidth()));
        return new Lucene912Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return format;
            }
        };
    }

    /** Reader mode: opens the index if the writer has committed it. Returns whether it is open. */
    private boolean tryOpenReader() throws IOException {
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

    private void refreshTick() {
        if (closed || failure != null) {
            return;
        }
        try {
            if (searchers == null) {
                tryOpenReader();
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

    // =====================================================================================================
    // mode-specific public API

    /** Whether this instance is the writer. */
    public boolean isWriter() {
        return writer != null;
    }

    /** The index directory. */
    public Path path() {
        return path;
    }

    public LuceneOptions options() {
        return options;
    }

    /**
     * FreshRAG's commit counter: 0 for the commit that created the index, +1 for every {@link #commit(Map)}.
     * The writer answers its last commit; a reader the latest commit it has opened, or -1 if none yet.
     */
    public long commitGeneration() {
        CommitInfo info = currentCommit();
        return info == null ? -1 : info.counter();
    }

    /**
     * Makes the latest state visible to this instance's reads now instead of at the next poll: a reader opens
     * the latest commit (or the index, if it appeared); the writer refreshes its near-real-time view.
     *
     * @throws IndexMismatchException the index appeared with another fingerprint
     */
    public void refreshNow() {
        ensureOpen();
        throwIfFailed();
        try {
            if (writer != null) {
                writes.incrementAndGet();
                refreshWriterView(searchers);
            } else if (!tryOpenReader()) {
                return;
            } else {
                searchers.maybeRefreshBlocking();
            }
        } catch (IndexMismatchException e) {
            failure = e;
            throw e;
        } catch (IOException e) {
            throw new IndexUnavailableException("cannot refresh the Lucene index at " + path + ": " + e, e);
        }
    }

    // =====================================================================================================
    // VectorIndex

    @Override
    public IndexFingerprint fingerprint() {
        return fingerprint;
    }

    @Override
    public void upsert(List<IndexPoint> points) {
        IndexWriter w = requireWriter();
        Objects.requireNonNull(points, "points");
        List<Document> docs = new ArrayList<>(points.size());
        List<Term> keys = new ArrayList<>(points.size());
        for (IndexPoint p : points) { // validate everything before changing anything
            Objects.requireNonNull(p, "point");
            checkId(p.tenant(), "tenant");
            checkId(p.docId(), "docId");
            checkId(p.chunkId(), "chunkId");
            Objects.requireNonNull(p.payload(), "payload");
            fingerprint.requireUsable(p.vector(), "vector of chunk " + p.chunkId());
            docs.add(toDocument(p.tenant(), p.docId(), p.chunkId(), p.seq(), p.hash(), p.text(), p.payload(),
                    p.vector(), p.indexedAt()));
            keys.add(chunkKey(p.tenant(), p.chunkId()));
        }
        synchronized (writeLock) {
            try {
                for (int i = 0; i < docs.size(); i++) {
                    w.updateDocument(keys.get(i), docs.get(i));
                }
            } catch (IOException e) {
                throw unavailable("upsert", e);
            } finally {
                writes.incrementAndGet();
            }
        }
    }

    @Override
    public List<String> updatePayload(String tenant, String docId, DocumentPayload payload,
            Map<String, Integer> seqByChunkId) {
        IndexWriter w = requireWriter();
        checkId(tenant, "tenant");
        checkId(docId, "docId");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(seqByChunkId, "seqByChunkId");
        synchronized (writeLock) {
            SearcherManager m = searchers;
            List<String> missing = new ArrayList<>();
            try {
                refreshWriterView(m);
                IndexSearcher s = m.acquire();
                Map<String, Document> existing = new HashMap<>();
                try {
                    forEachDoc(s, docKey(tenant, docId), (sf, doc) -> {
                        Document d = sf.document(doc);
                        existing.put(d.get(F_CHUNK_ID), d);
                    });
                } finally {
                    m.release(s);
                }
                for (Map.Entry<String, Integer> e : seqByChunkId.entrySet()) {
                    Document old = existing.get(e.getKey());
                    if (old == null) {
                        missing.add(e.getKey());
                        continue;
                    }
                    Objects.requireNonNull(e.getValue(), "seq of chunk " + e.getKey());
                    Document updated = toDocument(tenant, docId, e.getKey(), e.getValue(), old.get(F_HASH),
                            old.get(F_TEXT), payload, fromBytes(old.getBinaryValue(F_VECTOR_BYTES)),
                            old.getField(F_INDEXED_AT).numericValue().longValue());
                    w.updateDocument(chunkKey(tenant, e.getKey()), updated);
                }
            } catch (IOException e) {
                throw unavailable("updatePayload", e);
            } finally {
                writes.incrementAndGet();
            }
            return missing;
        }
    }

    @Override
    public void deleteDocument(String tenant, String docId) {
        IndexWriter w = requireWriter();
        checkId(tenant, "tenant");
        checkId(docId, "docId");
        synchronized (writeLock) {
            try {
                w.deleteDocuments(docKey(tenant, docId));
            } catch (IOException e) {
                throw unavailable("deleteDocument", e);
            } finally {
                writes.incrementAndGet();
            }
        }
    }

    @Override
    public void deletePoints(String tenant, String docId, Collection<String> chunkIds) {
        IndexWriter w = requireWriter();
        checkId(tenant, "tenant");
        checkId(docId, "docId");
        Objects.requireNonNull(chunkIds, "chunkIds");
        List<Query> queries = new ArrayList<>(chunkIds.size());
        for (String chunkId : chunkIds) {
            checkId(chunkId, "chunkId");
            queries.add(new BooleanQuery.Builder()
                    .add(new TermQuery(docKey(tenant, docId)), BooleanClause.Occur.FILTER)
                    .add(new TermQuery(chunkKey(tenant, chunkId)), BooleanClause.Occur.FILTER)
                    .build());
        }
        if (queries.isEmpty()) {
            return;
        }
        synchronized (writeLock) {
            try {
                w.deleteDocuments(queries.toArray(Query[]::new));
            } catch (IOException e) {
                throw unavailable("deletePoints", e);
            } finally {
                writes.incrementAndGet();
            }
        }
    }

    /**
     * Commits every write so far with the given source offsets. Offsets merge into the recorded ones per
     * partition, taking the larger value: a partition's offset never goes backwards, and partitions not given
     * keep theirs. Every call makes a new commit and advances {@link #commitGeneration()}.
     */
    @Override
    public void commit(Map<Integer, Long> appliedSourceOffsets) {
        IndexWriter w = requireWriter();
        Objects.requireNonNull(appliedSourceOffsets, "appliedSourceOffsets");
        appliedSourceOffsets.forEach((partition, offset) -> {
            if (partition == null || partition < 0 || offset == null || offset < 0) {
                throw new IllegalArgumentException("bad source offset " + partition + " -> " + offset);
            }
        });
        synchronized (writeLock) {
            CommitInfo previous = lastCommit;
            TreeMap<Integer, Long> merged = new TreeMap<>(previous.offsets());
            appliedSourceOffsets.forEach((partition, offset) -> merged.merge(partition, offset, Math::max));
            CommitInfo next = new CommitInfo(fingerprint, previous.counter() + 1, merged);
            try {
                w.setLiveCommitData(next.toUserData().entrySet());
                w.commit();
            } catch (IOException e) {
                throw unavailable("commit", e);
            }
            lastCommit = next;
        }
    }

    @Override
    public Map<Integer, Long> appliedSourceOffsets() {
        CommitInfo info = currentCommit();
        return info == null ? Map.of() : info.offsets();
    }

    @Override
    public List<SearchHit> search(SearchQuery query) {
        Objects.requireNonNull(query, "query");
        checkId(query.tenant(), "tenant");
        fingerprint.requireUsable(query.vector(), "query vector");
        return withSearcher(List.of(), s -> {
            int maxDoc = s.getIndexReader().maxDoc();
            if (maxDoc == 0) {
                return List.of();
            }
            int k = Math.min(query.k(), maxDoc);
            // The tenant condition is always added here; caller filters can only narrow it, because they
            // address "meta.<key>" fields and the tenant lives in its own field.
            BooleanQuery.Builder filter = new BooleanQuery.Builder()
                    .add(new TermQuery(new Term(F_TENANT, query.tenant())), BooleanClause.Occur.FILTER);
            query.filter().forEach((key, value) -> filter.add(
                    new TermQuery(new Term(META_PREFIX + key, metaTerm(value))), BooleanClause.Occur.FILTER));
            // HNSW explores as many candidates as it is asked for: asking for at least SEARCH_CANDIDATES and
            // keeping the best k raised recall@10 from 0.887 to 0.997 at 100k chunks (BENCHMARKS.md)
            int candidates = Math.min(Math.max(k, SEARCH_CANDIDATES), maxDoc);
            TopDocs top = s.search(new KnnFloatVectorQuery(F_VECTOR, query.vector(), candidates, filter.build()), k);
            StoredFields sf = s.storedFields();
            List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc sd : top.scoreDocs) {
                hits.add(toHit(sf.document(sd.doc), cosineFromScore(sd.score)));
            }
            return hits;
        });
    }

    @Override
    public Optional<DocumentStatus> document(String tenant, String docId) {
        checkId(tenant, "tenant");
        checkId(docId, "docId");
        return withSearcher(Optional.empty(), s -> {
            long[] acc = {Long.MIN_VALUE, Long.MIN_VALUE, 0}; // version, indexedAt, chunks
            forEachDoc(s, docKey(tenant, docId), (sf, doc) -> {
                Document d = sf.document(doc, STATUS_FIELDS);
                acc[0] = Math.max(acc[0], d.getField(F_VERSION).numericValue().longValue());
                acc[1] = Math.max(acc[1], d.getField(F_INDEXED_AT).numericValue().longValue());
                acc[2]++;
            });
            return acc[2] == 0 ? Optional.empty()
                    : Optional.of(new DocumentStatus(docId, acc[0], (int) acc[2], acc[1]));
        });
    }

    /** Chunk ids of the document, ordered by their position ({@code seq}), then id. */
    @Override
    public List<String> chunkIds(String tenant, String docId) {
        checkId(tenant, "tenant");
        checkId(docId, "docId");
        return withSearcher(List.of(), s -> {
            List<Map.Entry<Integer, String>> chunks = new ArrayList<>();
            forEachDoc(s, docKey(tenant, docId), (sf, doc) -> {
                Document d = sf.document(doc, CHUNK_FIELDS);
                chunks.add(Map.entry(d.getField(F_SEQ).numericValue().intValue(), d.get(F_CHUNK_ID)));
            });
            chunks.sort(Map.Entry.<Integer, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()));
            return chunks.stream().map(Map.Entry::getValue).toList();
        });
    }

    /**
     * Writer: open and not failed. Reader: the index is open, its fingerprint matches and the last refresh
     * worked.
     */
    @Override
    public boolean isHealthy() {
        if (closed) {
            return false;
        }
        if (writer != null) {
            return writer.isOpen() && writer.getTragicException() == null;
        }
        return failure == null && searchers != null && !refreshFailing;
    }

    /** Stops the refresher and releases readers, the writer (discarding uncommitted writes) and its lock. */
    @Override
    public void close() {
        synchronized (openLock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (refresher != null) {
            refresher.shutdown(); // no interrupt: Lucene I/O must not be interrupted
            try {
                if (!refresher.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("the refresher of {} did not stop within 10 s", path);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeQuietly(searchers, writer, directory);
        LOG.info("closed Lucene index {} ({})", path, writer != null ? "writer" : "reader");
    }

    @Override
    public String toString() {
        return "LuceneVectorIndex[" + path + ", " + (writer != null ? "writer" : "reader") + ", " + fingerprint + "]";
    }

    // =====================================================================================================
    // internals

    private interface SearchFunction<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    private interface DocConsumer {
        void accept(StoredFields storedFields, int doc) throws IOException;
    }

    private <T> T withSearcher(T whenNotOpen, SearchFunction<T> function) {
        ensureOpen();
        throwIfFailed();
        SearcherManager m = searchers;
        if (m == null) {
            return whenNotOpen;
        }
        try {
            if (writer != null) {
                refreshWriterView(m);
            }
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

    /** Writer mode: read your own writes, refreshing the near-real-time reader only if something changed. */
    private void refreshWriterView(SearcherManager m) throws IOException {
        long w = writes.get();
        if (w != viewAt) {
            m.maybeRefreshBlocking();
            viewAt = w;
        }
    }

    private CommitInfo currentCommit() {
        ensureOpen();
        throwIfFailed();
        if (writer != null) {
            return lastCommit;
        }
        SearcherManager m = searchers;
        if (m == null) {
            return null;
        }
        try {
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

    /** Visits the live documents holding {@code term}. */
    private static void forEachDoc(IndexSearcher s, Term term, DocConsumer consumer) throws IOException {
        for (LeafReaderContext ctx : s.getIndexReader().leaves()) {
            LeafReader reader = ctx.reader();
            PostingsEnum postings = reader.postings(term, PostingsEnum.NONE);
            if (postings == null) {
                continue;
            }
            Bits live = reader.getLiveDocs();
            StoredFields sf = reader.storedFields();
            for (int d = postings.nextDoc(); d != DocIdSetIterator.NO_MORE_DOCS; d = postings.nextDoc()) {
                if (live == null || live.get(d)) {
                    consumer.accept(sf, d);
                }
            }
        }
    }

    private static Document toDocument(String tenant, String docId, String chunkId, int seq, String hash, String text,
            DocumentPayload payload, float[] vector, long indexedAt) {
        Document d = new Document();
        d.add(new StringField(F_TENANT, tenant, Field.Store.YES));
        d.add(new StringField(F_DOC_ID, docId, Field.Store.YES));
        d.add(new StringField(F_DOC_KEY, key(tenant, docId), Field.Store.NO));
        d.add(new StringField(F_CHUNK_ID, chunkId, Field.Store.YES));
        d.add(new StringField(F_CHUNK_KEY, key(tenant, chunkId), Field.Store.NO));
        d.add(new StoredField(F_SEQ, seq));
        if (hash != null) {
            d.add(new StoredField(F_HASH, hash));
        }
        d.add(new StoredField(F_VERSION, payload.version()));
        if (payload.title() != null) {
            d.add(new StoredField(F_TITLE, payload.title()));
        }
        if (text != null) {
            d.add(new StoredField(F_TEXT, text));
        }
        payload.metadata().forEach((key, value) -> {
            d.add(new StoredField(META_PREFIX + key, value));
            d.add(new StringField(META_PREFIX + key, metaTerm(value), Field.Store.NO));
        });
        d.add(new StoredField(F_INDEXED_AT, indexedAt));
        d.add(new KnnFloatVectorField(F_VECTOR, vector, VectorSimilarityFunction.COSINE));
        d.add(new StoredField(F_VECTOR_BYTES, toBytes(vector)));
        return d;
    }

    private static SearchHit toHit(Document d, float score) {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (IndexableField f : d.getFields()) {
            if (f.name().startsWith(META_PREFIX) && f.stringValue() != null) {
                metadata.put(f.name().substring(META_PREFIX.length()), f.stringValue());
            }
        }
        return new SearchHit(d.get(F_DOC_ID), d.getField(F_VERSION).numericValue().longValue(), d.get(F_CHUNK_ID),
                d.getField(F_SEQ).numericValue().intValue(), score, d.get(F_TITLE), d.get(F_TEXT),
                Map.copyOf(metadata));
    }

    /** Lucene scores COSINE as max((1 + cos) / 2, 0); report the cosine itself. */
    static float cosineFromScore(float score) {
        return Math.max(-1f, Math.min(1f, 2f * score - 1f));
    }

    /** An unambiguous composite key: no (tenant, id) pair shares a key with another, whatever they contain. */
    static String key(String tenant, String id) {
        return tenant.length() + ":" + tenant + "/" + id;
    }

    private static Term docKey(String tenant, String docId) {
        return new Term(F_DOC_KEY, key(tenant, docId));
    }

    private static Term chunkKey(String tenant, String chunkId) {
        return new Term(F_CHUNK_KEY, key(tenant, chunkId));
    }

    /** The indexed term of a metadata value; long values go by their SHA-256 so any value can be filtered on. */
    static String metaTerm(String value) {
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= MAX_META_TERM_BYTES) {
            return "=" + value;
        }
        try {
            return "#" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(utf8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static BytesRef toBytes(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return new BytesRef(buffer.array());
    }

    static float[] fromBytes(BytesRef bytes) {
        float[] vector = new float[bytes.length / Float.BYTES];
        ByteBuffer.wrap(bytes.bytes, bytes.offset, bytes.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                .get(vector);
        return vector;
    }

    private static void checkId(String id, String what) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        // the composite keys must stay below Lucene's term length limit (32766 UTF-8 bytes)
        if (id.length() > 4096) {
            throw new IllegalArgumentException(what + " is longer than 4096 characters");
        }
    }

    private IndexWriter requireWriter() {
        ensureOpen();
        if (writer == null) {
            throw new UnsupportedOperationException("the Lucene index at " + path
                    + " is open read-only; only the writer process (embed-service) writes it");
        }
        return writer;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the Lucene index at " + path + " is closed");
        }
    }

    private void throwIfFailed() {
        RuntimeException f = failure;
        if (f != null) {
            throw new IndexMismatchException(f.getMessage());
        }
    }

    private IndexUnavailableException unavailable(String operation, IOException e) {
        return new IndexUnavailableException(operation + " failed on the Lucene index at " + path + ": " + e, e);
    }

    private static void closeQuietly(AutoCloseable... closeables) {
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

    /** What a commit's user data says. */
    record CommitInfo(IndexFingerprint fingerprint, long counter, Map<Integer, Long> offsets) {

        CommitInfo {
            offsets = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(offsets));
        }

        static CommitInfo parse(Map<String, String> userData, Path path) {
            String model = userData.get(UD_MODEL);
            String dimension = userData.get(UD_DIMENSION);
            if (model == null || dimension == null) {
                throw new IndexMismatchException("the Lucene index at " + path
                        + " has no FreshRAG fingerprint in its commit data; it was not written by FreshRAG");
            }
            TreeMap<Integer, Long> offsets = new TreeMap<>();
            userData.forEach((key, value) -> {
                if (key.startsWith(UD_SOURCE_PREFIX)) {
                    offsets.put(Integer.parseInt(key.substring(UD_SOURCE_PREFIX.length())), Long.parseLong(value));
                }
            });
            return new CommitInfo(new IndexFingerprint(model, Integer.parseInt(dimension)),
                    Long.parseLong(userData.getOrDefault(UD_COMMIT, "0")), offsets);
        }

        void requireFingerprint(IndexFingerprint expected, Path path) {
            try {
                fingerprint.requireSame(expected);
            } catch (IndexMismatchException e) {
                throw new IndexMismatchException("Lucene index at " + path + ": " + e.getMessage());
            }
        }

        Map<String, String> toUserData() {
            Map<String, String> userData = new TreeMap<>();
            userData.put(UD_MODEL, fingerprint.modelId());
            userData.put(UD_DIMENSION, Integer.toString(fingerprint.dimension()));
            userData.put(UD_COMMIT, Long.toString(counter));
            offsets.forEach((partition, offset) -> userData.put(UD_SOURCE_PREFIX + partition, Long.toString(offset)));
            return userData;
        }
    }

    /** A searcher over one commit, knowing what that commit's user data says. */
    private static final class CommitSearcher extends IndexSearcher {
        final CommitInfo commit;

        CommitSearcher(IndexReader reader, CommitInfo commit) {
            super(reader);
            this.commit = commit;
        }
    }

    /** Reader mode: parses every opened commit and refuses one with another fingerprint. */
    private final class CommitSearcherFactory extends SearcherFactory {
        @Override
        public IndexSearcher newSearcher(IndexReader reader, IndexReader previousReader) {
            Map<String, String> userData;
            try {
                userData = ((DirectoryReader) reader).getIndexCommit().getUserData();
            } catch (IOException e) {
                throw new IndexUnavailableException("cannot read the commit data of " + path, e);
            }
            CommitInfo info = CommitInfo.parse(userData, path);
            info.requireFingerprint(fingerprint, path);
            return new CommitSearcher(reader, info);
        }
    }

    /**
     * Lucene's HNSW format under its own name (so any Lucene reads the files), but accepting vectors of more
     * than Lucene's default 1024 dimensions.
     */
    private static final class AnyDimensionVectorsFormat extends KnnVectorsFormat {
        private final KnnVectorsFormat delegate;

        AnyDimensionVectorsFormat(KnnVectorsFormat delegate) {
            super(delegate.getName());
            this.delegate = delegate;
        }

        @Override
        public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
            return delegate.fieldsWriter(state);
        }

        @Override
        public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
            return delegate.fieldsReader(state);
        }

        @Override
        public int getMaxDimensions(String fieldName) {
            return MAX_DIMENSION;
        }

        @Override
        public String toString() {
            return delegate.toString();
        }
    }
}
