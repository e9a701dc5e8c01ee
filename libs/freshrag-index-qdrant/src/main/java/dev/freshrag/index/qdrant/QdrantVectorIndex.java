package dev.freshrag.index.qdrant;

import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.VectorIndex;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.VectorFactory;
import io.qdrant.client.VectorInputFactory;
import io.qdrant.client.VersionsCompatibilityChecker;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.DeletePoints;
import io.qdrant.client.grpc.Points.GetPoints;
import io.qdrant.client.grpc.Points.PayloadIncludeSelector;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.PointsSelector;
import io.qdrant.client.grpc.Points.PointsUpdateOperation;
import io.qdrant.client.grpc.Points.Query;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.ScrollResponse;
import io.qdrant.client.grpc.Points.UpdateBatchPoints;
import io.qdrant.client.grpc.Points.UpdateResult;
import io.qdrant.client.grpc.Points.UpdateStatus;
import io.qdrant.client.grpc.Points.UpsertPoints;
import io.qdrant.client.grpc.Points.Vectors;
import io.qdrant.client.grpc.Points.WithPayloadSelector;
import io.qdrant.client.grpc.Points.WithVectorsSelector;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckReply;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The vector index on a Qdrant server (or cluster), over its gRPC API.
 *
 * <ul>
 *   <li><b>Layout.</b> One collection per model and generation, reached through an alias
 *       ({@link CollectionBootstrap}); one unnamed Cosine vector per chunk; payload indexes on {@code tenant}
 *       (a tenant index), {@code docId}, {@code version} and the metadata filter terms.</li>
 *   <li><b>Writes</b> all ask Qdrant to wait until they are applied ({@code wait=true}), so when a method returns the
 *       write is durable (in Qdrant's WAL) and visible to every reader. That is why {@link #commit(Map)} has nothing
 *       to flush and only records the source offsets ({@link SourceOffsetsPoint}).</li>
 *   <li><b>Tenants.</b> Every read, delete and payload update carries the tenant condition, added here
 *       ({@link TenantFilters}); point ids are derived from tenant and chunk id ({@link PointIds}).</li>
 *   <li><b>Failures.</b> Unreachable, overloaded or slow Qdrant: {@link IndexUnavailableException}
 *       ({@link QdrantCalls}). Every gRPC call has the deadline {@link QdrantOptions#timeout()}.</li>
 * </ul>
 *
 * <p>Any number of processes may open the same alias; Qdrant serialises their writes per point. FreshRAG has one
 * writer (the embed-service) and readers (the query-service), but nothing here depends on that except the
 * read-modify-write of the source offsets in {@link #commit(Map)}, which assumes one committing process.
 *
 * <p>The adapter knows no Kafka, HTTP or Quarkus; its client bundles {@code grpc.health.v1} classes that clash with
 * {@code quarkus-grpc}, so a service using it must leave {@code quarkus-grpc} out.
 */
public final class QdrantVectorIndex implements VectorIndex {

    private static final Logger LOG = LoggerFactory.getLogger(QdrantVectorIndex.class);

    /**
     * The tenant of the bookkeeping point. The event contract's tenant pattern starts with a letter or digit, so no
     * real tenant can be called this; the adapter refuses it anyway, so no caller can read or overwrite bookkeeping.
     */
    public static final String RESERVED_TENANT = "_freshrag";

    /** Qdrant's largest vector size. */
    public static final int MAX_DIMENSION = 65_536;

    /** Points per scroll page: a document's chunks usually fit in one page. */
    static final int SCROLL_PAGE = 256;

    /**
     * Points per upsert request. 256 points of 1536 floats are ~1.6 MB plus text, well below gRPC's and Qdrant's
     * message limits; a larger batch is split into several requests, each waited for.
     */
    static final int WRITE_BATCH = 256;

    private static final List<String> STATUS_FIELDS = List.of(ChunkPayloads.VERSION, ChunkPayloads.INDEXED_AT);
    private static final List<String> CHUNK_FIELDS = List.of(ChunkPayloads.CHUNK_ID, ChunkPayloads.SEQ);
    /** What a payload update keeps of the stored point: identity, text and write time. */
    private static final List<String> KEPT_FIELDS = List.of(ChunkPayloads.TENANT, ChunkPayloads.DOC_ID,
            ChunkPayloads.CHUNK_ID, ChunkPayloads.HASH, ChunkPayloads.TEXT, ChunkPayloads.INDEXED_AT);

    private final QdrantClient client;
    private final QdrantCalls calls;
    private final QdrantOptions options;
    private final IndexFingerprint fingerprint;
    private final String collection;
    private final Object commitLock = new Object();
    private volatile boolean closed;

    private QdrantVectorIndex(QdrantClient client, QdrantCalls calls, QdrantOptions options,
            IndexFingerprint fingerprint, String collection) {
        this.client = client;
        this.calls = calls;
        this.options = options;
        this.fingerprint = fingerprint;
        this.collection = collection;
    }

    // =====================================================================================================
    // opening

    /**
     * Connects to the Qdrant of {@code options} (host, port, TLS, API key, per-call timeout) and opens the index
     * behind {@link QdrantOptions#alias()}, creating collection, payload indexes and alias if the alias is missing.
     * The returned index owns the connection.
     *
     * @throws IndexMismatchException    the alias points at a collection of another model or dimension
     * @throws IndexUnavailableException Qdrant cannot be reached or answered too slowly
     */
    public static QdrantVectorIndex connect(QdrantOptions options, IndexFingerprint fingerprint) {
        Objects.requireNonNull(options, "options");
        checkFingerprint(fingerprint);
        if (options.apiKey().isPresent() && !options.tls()) {
            LOG.warn("the Qdrant API key is sent without TLS to {}:{}; set freshrag.index.qdrant.tls=true outside a "
                    + "trusted network", options.host(), options.port());
        }
        // No client-side version check at build time: it is a blocking call without a deadline. open() asks for
        // the server version itself, with one.
        QdrantGrpcClient.Builder builder = QdrantGrpcClient
                .newBuilder(options.host(), options.port(), options.tls(), false)
                .withTimeout(options.timeout());
        options.apiKey().ifPresent(builder::withApiKey);
        QdrantClient client = new QdrantClient(builder.build());
        try {
            return open(client, options, fingerprint);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * Opens the index through an existing client, e.g. one on an in-process channel in tests. On success the index
     * owns the client and closes it in {@link #close()}; on failure the caller still owns it.
     *
     * @throws IndexMismatchException    the alias points at a collection of another model or dimension
     * @throws IndexUnavailableException Qdrant cannot be reached or answered too slowly
     */
    public static QdrantVectorIndex open(QdrantClient client, QdrantOptions options, IndexFingerprint fingerprint) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(options, "options");
        checkFingerprint(fingerprint);
        QdrantCalls calls = new QdrantCalls(client.grpcClient().channel().authority(), options.timeout());
        HealthCheckReply health = calls.await("health check", client.healthCheckAsync(options.timeout()));
        LOG.info("connected to Qdrant {} at {}", health.getVersion(), client.grpcClient().channel().authority());
        String clientVersion = QdrantClient.class.getPackage().getImplementationVersion();
        if (clientVersion != null && !VersionsCompatibilityChecker.isCompatible(clientVersion, health.getVersion())) {
            // the client's own check is off (see connect); keep its warning
            LOG.warn("Qdrant client {} and server {} are more than one minor version apart; requests may fail",
                    clientVersion, health.getVersion());
        }
        String collection = new CollectionBootstrap(client, calls, options, fingerprint).run();
        return new QdrantVectorIndex(client, calls, options, fingerprint, collection);
    }

    /** The physical collection of a model and generation under {@code prefix}, e.g. {@code freshrag-all-minilm-l6-v2-g1}. */
    public static String collectionName(String prefix, IndexFingerprint fingerprint, int generation) {
        return CollectionBootstrap.collectionName(prefix, fingerprint, generation);
    }

    public QdrantOptions options() {
        return options;
    }

    /** The alias every read and write goes through. */
    public String alias() {
        return options.alias();
    }

    /** The physical collection the alias pointed at when this index was opened. */
    public String collection() {
        return collection;
    }

    // =====================================================================================================
    // VectorIndex

    @Override
    public IndexFingerprint fingerprint() {
        return fingerprint;
    }

    /** Validates the whole batch first, so an invalid point changes nothing. Within a batch, the last point of a chunk wins. */
    @Override
    public void upsert(List<IndexPoint> points) {
        ensureOpen();
        Objects.requireNonNull(points, "points");
        LinkedHashMap<UUID, PointStruct> structs = new LinkedHashMap<>();
        for (IndexPoint p : points) {
            Objects.requireNonNull(p, "point");
            checkTenant(p.tenant());
            checkId(p.docId(), "docId");
            checkId(p.chunkId(), "chunkId");
            Objects.requireNonNull(p.payload(), "payload");
            fingerprint.requireUsable(p.vector(), "vector of chunk " + p.chunkId());
            UUID id = PointIds.of(p.tenant(), p.chunkId());
            structs.remove(id);
            structs.put(id, PointStruct.newBuilder()
                    .setId(PointIds.id(id))
                    .setVectors(Vectors.newBuilder().setVector(VectorFactory.vector(p.vector())))
                    .putAllPayload(ChunkPayloads.of(p.tenant(), p.docId(), p.chunkId(), p.seq(), p.hash(), p.text(),
                            p.payload(), p.indexedAt()))
                    .build());
        }
        List<PointStruct> all = new ArrayList<>(structs.values());
        for (int from = 0; from < all.size(); from += WRITE_BATCH) {
            upsertWaiting("upsert", all.subList(from, Math.min(all.size(), from + WRITE_BATCH)));
        }
    }

    /**
     * Reads the named points first (to report the missing ones and to keep their text and write time), then
     * overwrites each present point's payload in one batch request. Overwrite rather than set: the new payload is
     * complete, so no key of the old one (a title now absent, a metadata key now gone) can survive, whatever Qdrant's
     * merge rules for nested values; and each point changes in one step, so no reader sees it half-updated.
     */
    @Override
    public List<String> updatePayload(String tenant, String docId, DocumentPayload payload,
            Map<String, Integer> seqByChunkId) {
        ensureOpen();
        checkTenant(tenant);
        checkId(docId, "docId");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(seqByChunkId, "seqByChunkId");
        if (seqByChunkId.isEmpty()) {
            return List.of();
        }
        LinkedHashMap<UUID, String> chunkByPoint = new LinkedHashMap<>();
        seqByChunkId.forEach((chunkId, seq) -> {
            checkId(chunkId, "chunkId");
            Objects.requireNonNull(seq, "seq of chunk " + chunkId);
            chunkByPoint.put(PointIds.of(tenant, chunkId), chunkId);
        });

        Map<String, RetrievedPoint> present = new LinkedHashMap<>();
        List<PointId> ids = chunkByPoint.keySet().stream().map(PointIds::id).toList();
        List<RetrievedPoint> retrieved = calls.await("read points for a payload update", client.retrieveAsync(
                GetPoints.newBuilder()
                        .setCollectionName(alias())
                        .addAllIds(ids)
                        .setWithPayload(include(KEPT_FIELDS))
                        .setWithVectors(noVectors())
                        .build(),
                calls.timeout()));
        for (RetrievedPoint p : retrieved) {
            String chunkId = chunkByPoint.get(UUID.fromString(p.getId().getUuid()));
            Map<String, Value> stored = p.getPayloadMap();
            // only this tenant's document counts as present: a chunk of another document is "missing" here
            if (chunkId != null && tenant.equals(ChunkPayloads.text(stored, ChunkPayloads.TENANT))
                    && docId.equals(ChunkPayloads.text(stored, ChunkPayloads.DOC_ID))
                    && chunkId.equals(ChunkPayloads.text(stored, ChunkPayloads.CHUNK_ID))) {
                present.put(chunkId, p);
            }
        }

        List<String> missing = new ArrayList<>();
        List<PointsUpdateOperation> operations = new ArrayList<>();
        seqByChunkId.forEach((chunkId, seq) -> {
            RetrievedPoint old = present.get(chunkId);
            if (old == null) {
                missing.add(chunkId);
                return;
            }
            Map<String, Value> stored = old.getPayloadMap();
            operations.add(PointsUpdateOperation.newBuilder()
                    .setOverwritePayload(PointsUpdateOperation.OverwritePayload.newBuilder()
                            .putAllPayload(ChunkPayloads.of(tenant, docId, chunkId, seq,
                                    ChunkPayloads.text(stored, ChunkPayloads.HASH),
                                    ChunkPayloads.text(stored, ChunkPayloads.TEXT), payload,
                                    ChunkPayloads.number(stored, ChunkPayloads.INDEXED_AT)))
                            .setPointsSelector(selector(TenantFilters.points(tenant, docId,
                                    List.of(PointIds.id(tenant, chunkId))))))
                    .build());
        });
        for (int from = 0; from < operations.size(); from += WRITE_BATCH) {
            List<UpdateResult> results = calls.await("update payload", client.batchUpdateAsync(
                    UpdateBatchPoints.newBuilder()
                            .setCollectionName(alias())
                            .setWait(true)
                            .addAllOperations(operations.subList(from, Math.min(operations.size(), from + WRITE_BATCH)))
                            .build(),
                    calls.timeout()));
            results.forEach(r -> requireCompleted("update payload", r));
        }
        return missing;
    }

    @Override
    public void deleteDocument(String tenant, String docId) {
        ensureOpen();
        checkTenant(tenant);
        checkId(docId, "docId");
        deleteWaiting("delete document", TenantFilters.document(tenant, docId));
    }

    @Override
    public void deletePoints(String tenant, String docId, Collection<String> chunkIds) {
        ensureOpen();
        checkTenant(tenant);
        checkId(docId, "docId");
        Objects.requireNonNull(chunkIds, "chunkIds");
        List<PointId> ids = new ArrayList<>(chunkIds.size());
        for (String chunkId : chunkIds) {
            checkId(chunkId, "chunkId");
            ids.add(PointIds.id(tenant, chunkId));
        }
        for (int from = 0; from < ids.size(); from += WRITE_BATCH) {
            deleteWaiting("delete points", TenantFilters.points(tenant, docId,
                    ids.subList(from, Math.min(ids.size(), from + WRITE_BATCH))));
        }
    }

    /**
     * Every write has already been waited for, so there is nothing to flush. Records the source offsets, merged into
     * the stored ones per partition taking the larger value: a partition never goes backwards and partitions not
     * given keep theirs. Writes the bookkeeping point only when something advanced.
     */
    @Override
    public void commit(Map<Integer, Long> appliedSourceOffsets) {
        ensureOpen();
        Objects.requireNonNull(appliedSourceOffsets, "appliedSourceOffsets");
        appliedSourceOffsets.forEach((partition, offset) -> {
            if (partition == null || partition < 0 || offset == null || offset < 0) {
                throw new IllegalArgumentException("bad source offset " + partition + " -> " + offset);
            }
        });
        synchronized (commitLock) {
            SortedMap<Integer, Long> stored = readOffsets();
            TreeMap<Integer, Long> merged = new TreeMap<>(stored);
            appliedSourceOffsets.forEach((partition, offset) -> merged.merge(partition, offset, Math::max));
            if (merged.equals(stored)) {
                return;
            }
            upsertWaiting("record source offsets", List.of(SourceOffsetsPoint.point(merged, fingerprint.dimension())));
        }
    }

    @Override
    public Map<Integer, Long> appliedSourceOffsets() {
        ensureOpen();
        return readOffsets();
    }

    @Override
    public List<SearchHit> search(SearchQuery query) {
        ensureOpen();
        Objects.requireNonNull(query, "query");
        checkTenant(query.tenant());
        fingerprint.requireUsable(query.vector(), "query vector");
        List<ScoredPoint> points = calls.await("search", client.queryAsync(QueryPoints.newBuilder()
                        .setCollectionName(alias())
                        .setQuery(Query.newBuilder().setNearest(VectorInputFactory.vectorInput(query.vector())))
                        .setFilter(TenantFilters.search(query.tenant(), query.filter()))
                        .setLimit(query.k())
                        .setWithPayload(include(ChunkPayloads.HIT_FIELDS))
                        .setWithVectors(noVectors())
                        .build(),
                calls.timeout()));
        List<SearchHit> hits = new ArrayList<>(points.size());
        for (ScoredPoint p : points) {
            // Cosine in Qdrant is the dot product of normalised vectors; float rounding can step just outside [-1, 1]
            hits.add(ChunkPayloads.hit(p.getPayloadMap(), Math.max(-1f, Math.min(1f, p.getScore()))));
        }
        return hits;
    }

    /** Scrolls the document's points, reading only version and write time: exact even while chunks differ in version. */
    @Override
    public Optional<DocumentStatus> document(String tenant, String docId) {
        ensureOpen();
        checkTenant(tenant);
        checkId(docId, "docId");
        long[] acc = {Long.MIN_VALUE, Long.MIN_VALUE, 0}; // version, indexedAt, chunks
        scroll("document status", TenantFilters.document(tenant, docId), STATUS_FIELDS, p -> {
            acc[0] = Math.max(acc[0], ChunkPayloads.number(p.getPayloadMap(), ChunkPayloads.VERSION));
            acc[1] = Math.max(acc[1], ChunkPayloads.number(p.getPayloadMap(), ChunkPayloads.INDEXED_AT));
            acc[2]++;
        });
        return acc[2] == 0 ? Optional.empty() : Optional.of(new DocumentStatus(docId, acc[0], (int) acc[2], acc[1]));
    }

    /** Chunk ids of the document, ordered by their position ({@code seq}), then id. */
    @Override
    public List<String> chunkIds(String tenant, String docId) {
        ensureOpen();
        checkTenant(tenant);
        checkId(docId, "docId");
        List<Map.Entry<Long, String>> chunks = new ArrayList<>();
        scroll("list chunks", TenantFilters.document(tenant, docId), CHUNK_FIELDS, p -> chunks.add(Map.entry(
                ChunkPayloads.number(p.getPayloadMap(), ChunkPayloads.SEQ),
                ChunkPayloads.text(p.getPayloadMap(), ChunkPayloads.CHUNK_ID))));
        chunks.sort(Map.Entry.<Long, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()));
        return chunks.stream().map(Map.Entry::getValue).toList();
    }

    /** Whether Qdrant answers its health check within the timeout. */
    @Override
    public boolean isHealthy() {
        if (closed) {
            return false;
        }
        try {
            calls.await("health check", client.healthCheckAsync(calls.timeout()));
            return true;
        } catch (RuntimeException e) {
            LOG.debug("Qdrant health check failed: {}", e.toString());
            return false;
        }
    }

    /** Closes the client and its channel. Nothing is lost: every write was waited for. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        client.close();
    }

    @Override
    public String toString() {
        return "QdrantVectorIndex[" + options + ", collection " + collection + ", " + fingerprint + "]";
    }

    // =====================================================================================================
    // internals

    private void upsertWaiting(String operation, List<PointStruct> points) {
        UpdateResult result = calls.await(operation, client.upsertAsync(UpsertPoints.newBuilder()
                        .setCollectionName(alias())
                        .setWait(true)
                        .addAllPoints(points)
                        .build(),
                calls.timeout()));
        requireCompleted(operation, result);
    }

    private void deleteWaiting(String operation, Filter filter) {
        UpdateResult result = calls.await(operation, client.deleteAsync(DeletePoints.newBuilder()
                        .setCollectionName(alias())
                        .setWait(true)
                        .setPoints(selector(filter))
                        .build(),
                calls.timeout()));
        requireCompleted(operation, result);
    }

    /**
     * With {@code wait=true} Qdrant answers {@code Completed}; anything else (its own wait timed out, a replica
     * rejected the clock) means the write may not be applied yet. The caller retries, which is safe: every write is
     * idempotent.
     */
    private void requireCompleted(String operation, UpdateResult result) {
        if (result.getStatus() != UpdateStatus.Completed) {
            throw new IndexUnavailableException(operation + " on Qdrant collection " + alias() + " answered "
                    + result.getStatus() + " instead of Completed", null);
        }
    }

    private SortedMap<Integer, Long> readOffsets() {
        List<RetrievedPoint> retrieved = calls.await("read source offsets", client.retrieveAsync(GetPoints.newBuilder()
                        .setCollectionName(alias())
                        .addIds(PointIds.id(PointIds.BOOKKEEPING))
                        .setWithPayload(include(List.of(SourceOffsetsPoint.OFFSETS)))
                        .setWithVectors(noVectors())
                        .build(),
                calls.timeout()));
        return SourceOffsetsPoint.read(retrieved);
    }

    private void scroll(String operation, Filter filter, List<String> fields, Consumer<RetrievedPoint> each) {
        PointId offset = null;
        do {
            ScrollPoints.Builder request = ScrollPoints.newBuilder()
                    .setCollectionName(alias())
                    .setFilter(filter)
                    .setLimit(SCROLL_PAGE)
                    .setWithPayload(include(fields))
                    .setWithVectors(noVectors());
            if (offset != null) {
                request.setOffset(offset);
            }
            ScrollResponse page = calls.await(operation, client.scrollAsync(request.build(), calls.timeout()));
            page.getResultList().forEach(each);
            offset = page.hasNextPageOffset() ? page.getNextPageOffset() : null;
        } while (offset != null);
    }

    private static PointsSelector selector(Filter filter) {
        return PointsSelector.newBuilder().setFilter(filter).build();
    }

    private static WithPayloadSelector include(List<String> fields) {
        return WithPayloadSelector.newBuilder().setInclude(PayloadIncludeSelector.newBuilder().addAllFields(fields))
                .build();
    }

    private static WithVectorsSelector noVectors() {
        return WithVectorsSelector.newBuilder().setEnable(false).build();
    }

    private static void checkFingerprint(IndexFingerprint fp) {
        Objects.requireNonNull(fp, "fingerprint");
        if (fp.modelId() == null || fp.modelId().isBlank()) {
            throw new IllegalArgumentException("fingerprint needs a model id");
        }
        if (fp.dimension() < 1 || fp.dimension() > MAX_DIMENSION) {
            throw new IllegalArgumentException("dimension must be in 1.." + MAX_DIMENSION + ", was " + fp.dimension());
        }
    }

    private static void checkTenant(String tenant) {
        checkId(tenant, "tenant");
        if (RESERVED_TENANT.equals(tenant)) {
            throw new IllegalArgumentException("tenant '" + RESERVED_TENANT + "' is reserved for FreshRAG's bookkeeping");
        }
    }

    private static void checkId(String id, String what) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the Qdrant index " + alias() + " is closed");
        }
    }
}
