package dev.freshrag.index.qdrant;

import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.VectorIndexReader;
import dev.freshrag.index.VectorIndexWriter;
import dev.freshrag.index.generation.Generation;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.VersionsCompatibilityChecker;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckReply;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 *       write is durable (in Qdrant's WAL) and visible to every reader. That is why {@link #commit} has nothing
 *       to flush and only records the source offsets ({@link SourceOffsetsPoint}).</li>
 *   <li><b>Tenants.</b> Every read, delete and payload update carries the tenant condition, added here
 *       ({@link TenantFilters}); point ids are derived from tenant and chunk id ({@link PointIds}).</li>
 *   <li><b>Failures.</b> Unreachable, overloaded or slow Qdrant: {@link IndexUnavailableException}
 *       ({@link QdrantCalls}). Every gRPC call has the deadline {@link QdrantOptions#timeout()}.</li>
 * </ul>
 *
 * <p>Any number of processes may open the same alias; Qdrant serialises their writes per point. Several writers
 * (embed-service replicas) are safe: every write that could overwrite a newer change is conditional in Qdrant itself
 * (see {@link QdrantChunkWriter}), and source positions are kept per partition, never read, merged and written back.
 *
 * <p>This class opens the index (connection, server version, {@link CollectionBootstrap}) and owns the connection;
 * the reads are {@link QdrantChunkReader}, the writes {@link QdrantChunkWriter}. It implements both sides of the
 * port: the embed-service uses it as a {@link VectorIndexWriter}, the query-service as a {@link VectorIndexReader}.
 *
 * <p>The adapter knows no Kafka, HTTP or Quarkus; its client bundles {@code grpc.health.v1} classes that clash with
 * {@code quarkus-grpc}, so a service using it must leave {@code quarkus-grpc} out.
 */
public final class QdrantVectorIndex implements VectorIndexReader, VectorIndexWriter {

    private static final Logger LOG = LoggerFactory.getLogger(QdrantVectorIndex.class);

    /**
     * The tenant of the bookkeeping point. The event contract's tenant pattern starts with a letter or digit, so no
     * real tenant can be called this; the adapter refuses it anyway, so no caller can read or overwrite bookkeeping.
     */
    public static final String RESERVED_TENANT = "_freshrag";

    /** Qdrant's largest vector size. */
    public static final int MAX_DIMENSION = 65_536;

    private final QdrantClient client;
    private final QdrantCalls calls;
    private final QdrantOptions options;
    private final IndexFingerprint fingerprint;
    private final String collection;
    /** What every point request names: the alias, or a generation's own collection ({@link #openGeneration}). */
    private final String target;
    private final java.util.OptionalInt generation;
    private final QdrantChunkReader reader;
    private final QdrantChunkWriter writer;
    private volatile boolean closed;

    private QdrantVectorIndex(QdrantClient client, QdrantCalls calls, QdrantOptions options,
            IndexFingerprint fingerprint, String collection, String target, CollectionBootstrap bootstrap) {
        this.client = client;
        this.calls = calls;
        this.options = options;
        this.fingerprint = fingerprint;
        this.collection = collection;
        this.target = target;
        this.generation = bootstrap.generation();
        this.reader = new QdrantChunkReader(client, calls, target, fingerprint, bootstrap.lexical());
        this.writer = new QdrantChunkWriter(client, calls, target, fingerprint, reader);
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
        QdrantClient client = newClient(options);
        try {
            return open(client, options, fingerprint);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * {@link #openGeneration} on a new connection to the Qdrant of {@code options}, which the returned index owns.
     */
    public static QdrantVectorIndex connectGeneration(QdrantOptions options, Generation generation) {
        Objects.requireNonNull(options, "options");
        QdrantClient client = newClient(options);
        try {
            return openGeneration(client, options, generation);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /**
     * Opens one generation's own collection ({@code <prefix>-<model>-g<N>}), creating it with its payload indexes if it
     * is missing, and reads and writes it directly rather than through the alias: the embed-service fills a building
     * generation this way beside the active one, and a reader that opened a generation keeps reading it after the alias
     * moves ({@link QdrantGenerations#switchAlias}), so its model and its vectors never part. On success the index owns
     * the client.
     *
     * @throws IndexMismatchException    the collection exists with another model, dimension or distance
     * @throws IndexUnavailableException Qdrant cannot be reached or answered too slowly
     */
    public static QdrantVectorIndex openGeneration(QdrantClient client, QdrantOptions options, Generation generation) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(generation, "generation");
        IndexFingerprint fingerprint = generation.fingerprint();
        checkFingerprint(fingerprint);
        QdrantCalls calls = new QdrantCalls(client.grpcClient().channel().authority(), options.timeout());
        calls.await("health check", client.healthCheckAsync(options.timeout()));
        CollectionBootstrap bootstrap = new CollectionBootstrap(client, calls, options, fingerprint);
        String collection = bootstrap.runGeneration(generation.number(), generation.chunkMaxTokens());
        LOG.info("opened Qdrant collection {} of generation {} ({})", collection, generation.id(), fingerprint);
        return new QdrantVectorIndex(client, calls, options, fingerprint, collection, collection, bootstrap);
    }

    /** A client on a new channel to the Qdrant of {@code options}; the caller owns it. */
    static QdrantClient newClient(QdrantOptions options) {
        if (options.apiKey().isPresent() && !options.tls()) {
            LOG.warn("the Qdrant API key is sent without TLS to {}:{}; set freshrag.index.qdrant.tls=true outside a "
                    + "trusted network", options.host(), options.port());
        }
        // No client-side version check at build time: it is a blocking call without a deadline. open() asks for
        // the server version itself, with one.
        io.grpc.ManagedChannelBuilder<?> channel = io.grpc.ManagedChannelBuilder.forAddress(options.host(), options.port())
                .maxInboundMessageSize(QdrantConsistency.MAX_INBOUND_MESSAGE_BYTES);
        if (options.tls()) {
            channel.useTransportSecurity();
        } else {
            channel.usePlaintext();
        }
        QdrantGrpcClient.Builder builder = QdrantGrpcClient
                .newBuilder(channel.build(), true, false)
                .withTimeout(options.timeout());
        options.apiKey().ifPresent(builder::withApiKey);
        return new QdrantClient(builder.build());
    }

    /**
     * Opens the index through an existing client, e.g. one on an in-process channel in tests. On success the index
     * owns the client and closes it in {@link #close()}; on failure the caller still owns it.
     *
     * @throws IndexMismatchException    the alias points at a collection of another model or dimension
     * @throws IndexUnavailableException Qdrant cannot be reached or answered too slowly
     */
    public static QdrantVectorIndex open(QdrantClient client, QdrantOptions options, IndexFingerprint fingerprint) {
        return open(client, options, fingerprint, false);
    }

    /**
     * {@link #open} that then reads and writes the collection the alias named at open, not the alias: a reader opened
     * this way keeps searching vectors of its own model when the alias is switched to another generation (it sees the
     * switch when it is opened again), instead of embedding queries with one model and searching another's vectors.
     */
    public static QdrantVectorIndex openPinned(QdrantClient client, QdrantOptions options, IndexFingerprint fingerprint) {
        return open(client, options, fingerprint, true);
    }

    /** {@link #openPinned} on a new connection, which the returned index owns. */
    public static QdrantVectorIndex connectPinned(QdrantOptions options, IndexFingerprint fingerprint) {
        Objects.requireNonNull(options, "options");
        checkFingerprint(fingerprint);
        QdrantClient client = newClient(options);
        try {
            return openPinned(client, options, fingerprint);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static QdrantVectorIndex open(QdrantClient client, QdrantOptions options, IndexFingerprint fingerprint,
            boolean pinned) {
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
        CollectionBootstrap bootstrap = new CollectionBootstrap(client, calls, options, fingerprint);
        String collection = bootstrap.run();
        return new QdrantVectorIndex(client, calls, options, fingerprint, collection,
                pinned ? collection : options.alias(), bootstrap);
    }

    public QdrantOptions options() {
        return options;
    }

    /** The alias every read and write goes through (unless this index was opened on one generation). */
    public String alias() {
        return options.alias();
    }

    /** The generation number in the metadata of {@link #collection()}; empty for a collection FreshRAG did not create. */
    @Override
    public java.util.OptionalInt generationNumber() {
        return generation;
    }

    /** The name every point request of this index names: the alias, or the generation's collection. */
    public String target() {
        return target;
    }

    /** The physical collection the alias pointed at when this index was opened, or the generation's collection. */
    public String collection() {
        return collection;
    }

    // =====================================================================================================
    // reads and writes, each checked to be open

    @Override
    public IndexFingerprint fingerprint() {
        return fingerprint;
    }

    @Override
    public void upsert(List<IndexPoint> points) {
        ensureOpen();
        writer.upsert(points);
    }

    @Override
    public List<String> updatePayload(String tenant, String docId, DocumentPayload payload,
            Map<String, Integer> seqByChunkId) {
        ensureOpen();
        return writer.updatePayload(tenant, docId, payload, seqByChunkId);
    }

    @Override
    public void deleteDocument(String tenant, String docId) {
        ensureOpen();
        writer.deleteDocument(tenant, docId);
    }

    @Override
    public void deletePoints(String tenant, String docId, Collection<String> chunkIds) {
        ensureOpen();
        writer.deletePoints(tenant, docId, chunkIds);
    }

    @Override
    public void deleteDocument(String tenant, String docId, long version) {
        ensureOpen();
        writer.deleteDocument(tenant, docId, version);
    }

    @Override
    public void deletePoints(String tenant, String docId, Collection<String> chunkIds, long version) {
        ensureOpen();
        writer.deletePoints(tenant, docId, chunkIds, version);
    }

    @Override
    public void commit(dev.freshrag.index.Lane lane, SourceOffsets applied) {
        ensureOpen();
        writer.commit(lane, applied);
    }

    @Override
    public void commitDeferred(dev.freshrag.index.DeferredOffsets passed) {
        ensureOpen();
        writer.commitDeferred(passed);
    }

    @Override
    public dev.freshrag.index.DeferredOffsets deferredOffsets() {
        ensureOpen();
        return reader.deferredOffsets();
    }

    @Override
    public SourceOffsets appliedSourceOffsets(dev.freshrag.index.Lane lane) {
        ensureOpen();
        return reader.offsets(lane);
    }

    @Override
    public Optional<dev.freshrag.index.DocumentMark> documentMark(String tenant, String docId) {
        ensureOpen();
        checkTenant(tenant);
        checkId(docId, "docId");
        return reader.mark(tenant, docId);
    }

    @Override
    public java.util.OptionalLong documentCount() {
        ensureOpen();
        return java.util.OptionalLong.of(reader.markCount());
    }

    @Override
    public void markDocument(String tenant, String docId, dev.freshrag.index.DocumentMark mark) {
        ensureOpen();
        writer.markDocument(tenant, docId, mark);
    }

    @Override
    public List<SearchHit> search(SearchQuery query) {
        ensureOpen();
        return reader.search(query);
    }

    @Override
    public List<SearchHit> searchLexical(dev.freshrag.index.LexicalQuery query) {
        ensureOpen();
        return reader.searchLexical(query);
    }

    @Override
    public Optional<DocumentStatus> document(String tenant, String docId) {
        ensureOpen();
        return reader.document(tenant, docId);
    }

    @Override
    public List<String> chunkIds(String tenant, String docId) {
        ensureOpen();
        return reader.chunkIds(tenant, docId);
    }

    @Override
    public List<DocumentStatus> documents(String tenant, String docIdPrefix, int limit) {
        ensureOpen();
        return reader.documents(tenant, docIdPrefix, limit);
    }

    @Override
    public dev.freshrag.index.IndexedDocumentPage indexedDocuments(String tenant, String cursor, int limit) {
        ensureOpen();
        return reader.indexedDocuments(tenant, cursor, limit);
    }

    @Override
    public List<SearchHit> chunks(String tenant, String docId) {
        ensureOpen();
        return reader.chunks(tenant, docId);
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
    // argument checks shared by reads and writes

    private static void checkFingerprint(IndexFingerprint fp) {
        Objects.requireNonNull(fp, "fingerprint");
        if (fp.modelId() == null || fp.modelId().isBlank()) {
            throw new IllegalArgumentException("fingerprint needs a model id");
        }
        if (fp.dimension() < 1 || fp.dimension() > MAX_DIMENSION) {
            throw new IllegalArgumentException("dimension must be in 1.." + MAX_DIMENSION + ", was " + fp.dimension());
        }
    }

    static void checkTenant(String tenant) {
        checkId(tenant, "tenant");
        if (RESERVED_TENANT.equals(tenant)) {
            throw new IllegalArgumentException("tenant '" + RESERVED_TENANT + "' is reserved for FreshRAG's bookkeeping");
        }
    }

    static void checkId(String id, String what) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the Qdrant index " + target + " is closed");
        }
    }
}
