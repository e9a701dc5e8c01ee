package dev.freshrag.index.qdrant;

import com.google.protobuf.Message;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Collections.AliasDescription;
import io.qdrant.client.grpc.Collections.AliasOperations;
import io.qdrant.client.grpc.Collections.ChangeAliases;
import io.qdrant.client.grpc.Collections.CollectionConfig;
import io.qdrant.client.grpc.Collections.CollectionDescription;
import io.qdrant.client.grpc.Collections.CollectionExists;
import io.qdrant.client.grpc.Collections.CollectionExistsRequest;
import io.qdrant.client.grpc.Collections.CollectionExistsResponse;
import io.qdrant.client.grpc.Collections.CollectionInfo;
import io.qdrant.client.grpc.Collections.CollectionOperationResponse;
import io.qdrant.client.grpc.Collections.CollectionParams;
import io.qdrant.client.grpc.Collections.CollectionStatus;
import io.qdrant.client.grpc.Collections.CreateCollection;
import io.qdrant.client.grpc.Collections.UpdateCollection;
import io.qdrant.client.grpc.Collections.Modifier;
import io.qdrant.client.grpc.Collections.SparseVectorParams;
import io.qdrant.client.grpc.Collections.DeleteCollection;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.GetCollectionInfoRequest;
import io.qdrant.client.grpc.Collections.GetCollectionInfoResponse;
import io.qdrant.client.grpc.Collections.ListAliasesRequest;
import io.qdrant.client.grpc.Collections.ListAliasesResponse;
import io.qdrant.client.grpc.Collections.ListCollectionAliasesRequest;
import io.qdrant.client.grpc.Collections.ListCollectionsRequest;
import io.qdrant.client.grpc.Collections.ListCollectionsResponse;
import io.qdrant.client.grpc.Collections.OptimizerStatus;
import io.qdrant.client.grpc.Collections.PayloadSchemaInfo;
import io.qdrant.client.grpc.Collections.PayloadSchemaType;
import io.qdrant.client.grpc.CollectionsGrpc;
import io.qdrant.client.grpc.Common.Condition;
import io.qdrant.client.grpc.Common.FieldCondition;
import io.qdrant.client.grpc.Common.Range;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.Match;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.CountPoints;
import io.qdrant.client.grpc.Points.CountResponse;
import io.qdrant.client.grpc.Points.CountResult;
import io.qdrant.client.grpc.Points.CreateFieldIndexCollection;
import io.qdrant.client.grpc.Points.DeletePayloadPoints;
import io.qdrant.client.grpc.Points.DeletePoints;
import io.qdrant.client.grpc.Points.GetPoints;
import io.qdrant.client.grpc.Points.GetResponse;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.PointVectors;
import io.qdrant.client.grpc.Points.PointsOperationResponse;
import io.qdrant.client.grpc.Points.PointsSelector;
import io.qdrant.client.grpc.Points.PointsUpdateOperation;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.QueryResponse;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.ScrollResponse;
import io.qdrant.client.grpc.Points.SetPayloadPoints;
import io.qdrant.client.grpc.Points.UpdateBatchPoints;
import io.qdrant.client.grpc.Points.UpdateBatchResponse;
import io.qdrant.client.grpc.Points.UpdateResult;
import io.qdrant.client.grpc.Points.UpdateStatus;
import io.qdrant.client.grpc.Points.UpsertPoints;
import io.qdrant.client.grpc.Points.Vector;
import io.qdrant.client.grpc.Points.VectorOutput;
import io.qdrant.client.grpc.Points.VectorsOutput;
import io.qdrant.client.grpc.Points.WithPayloadSelector;
import io.qdrant.client.grpc.PointsGrpc;
import io.qdrant.client.grpc.QdrantGrpc;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckReply;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A double of the Qdrant <em>protocol</em>, served in-process with the client's generated gRPC service bases. It is
 * <strong>not Qdrant</strong>: a Qdrant server cannot run on this machine (no Docker), so this stands in for one in
 * tests that must run everywhere. Real Qdrant runs in {@code QdrantVectorIndexBehaviourTest} where Docker exists.
 *
 * <p>What it is for:
 * <ul>
 *   <li>recording every request exactly as the adapter sent it, so contract tests can assert the wire format
 *       ({@code wait=true}, tenant filters, alias use, payload indexes, collection parameters);</li>
 *   <li>injecting failures: answering every call (or calls of one method) with a status, or never answering so the
 *       client's deadline fires;</li>
 *   <li>keeping points in memory and honouring the subset of Qdrant semantics the adapter uses, so the shared
 *       behaviour suite can exercise the adapter's own logic end to end.</li>
 * </ul>
 *
 * <p>What it models, and how faithfully: collections with one unnamed dense vector and collection metadata; aliases
 * (resolved for every point operation, as Qdrant does; the actions of one {@code UpdateAliases} run in order under one
 * lock and are not undone when a later one fails, as in Qdrant's storage code); upsert (Cosine vectors normalised on write, dimension
 * checked), delete / set / overwrite / delete payload by ids or filter, batch updates applied in order, retrieve,
 * scroll (ordered by id, paged by {@code next_page_offset}), count, and {@code Query} with {@code nearest} only,
 * exact (brute-force) and scored by the dot product of normalised vectors, as Qdrant's Cosine is. Filters:
 * {@code must}, {@code should}, {@code must_not}, nested filters, {@code has_id}, and field conditions with keyword,
 * integer or keywords matches on top-level keys (a list value matches if any element does). Upserts honour
 * {@code update_filter} (a stored point that does not match keeps its state; new points are inserted). Message sizes
 * are enforced as a real channel would: an answer over the client's inbound limit and a request over Qdrant's
 * 32 MiB request limit fail with {@code RESOURCE_EXHAUSTED}. Anything else is answered
 * {@code UNIMPLEMENTED}, so a test never silently passes on semantics the double does not have. Not modelled:
 * approximate (HNSW) search, consistency and replication (read_consistency and write ordering are recorded, with one
 * copy they change nothing), shard keys, payload index effects on
 * results (indexes are recorded, never required), and the exact texts of Qdrant's error messages. Where Qdrant's
 * behaviour was not verifiable here (e.g. the status code of creating an existing collection, or creating an alias
 * that exists), the double picks a plausible one and the adapter is written to cope with either.
 *
 * <p>Sparse vectors, as far as lexical search needs them: a collection may declare named sparse vectors
 * ({@code sparse_vectors_config}); a point then carries its dense vector under the name {@code ""} beside them in
 * {@code NamedVectors}; {@code Query} with {@code using} a sparse name and a sparse {@code nearest} scores, like
 * Qdrant, only points sharing at least one index with the query, by {@code sum(query value * point value)} over the
 * shared indices, each term weighted first by {@code idf = ln(1 + (N - n + 0.5) / (n + 0.5))} when the vector has
 * {@code Modifier.Idf} (N: points holding that sparse vector in the collection, n: those among them holding the
 * index; Qdrant's statistics, like these, ignore the filter). Exact, like the dense search. A batch's
 * {@code update_vectors} replaces named sparse vectors of existing points (honouring {@code update_filter}), as a
 * relabel that changes a title does; {@code params.hnsw_ef} of a dense query is recorded with the request (the double
 * searches exactly whatever it says).
 */
public final class InProcessQdrantProtocolDouble implements AutoCloseable {

    /** The server version reported by the health check; the client's compatibility check parses it. */
    static final String VERSION = "1.17.0";

    /** One request as received: gRPC method name ({@code qdrant.Points/Upsert}) and message. */
    record Recorded(String method, Message request) {
    }

    private final String name = "qdrant-protocol-double-" + UUID.randomUUID();
    private final Server server;
    /** The same services on a local TCP port ({@link #listen}), for an application that connects by host and port. */
    private volatile Server tcp;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final List<ServerCall<?, ?>> hanging = new CopyOnWriteArrayList<>();
    private final Object lock = new Object();
    private final Map<String, StoredCollection> collections = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();
    private final AtomicLong operationIds = new AtomicLong();

    /** Qdrant's own limit on a request ({@code service.max_request_size_mb}, 32 MiB by default). */
    static final int SERVER_MAX_REQUEST_BYTES = 32 * 1024 * 1024;

    /** The largest answer the clients accept; see {@link #newClient()}. */
    private volatile int clientInboundLimit = QdrantConsistency.MAX_INBOUND_MESSAGE_BYTES;

    private volatile boolean ignoreUpdateFilters;

    private volatile Status failEverything;
    private volatile boolean hangEverything;
    private final Map<String, Status> failMethods = new java.util.concurrent.ConcurrentHashMap<>();

    private final ServerInterceptor interceptor = new RecordingInterceptor();
    private final PointsService pointsService = new PointsService();
    private final CollectionsService collectionsService = new CollectionsService();
    private final QdrantService qdrantService = new QdrantService();

    private InProcessQdrantProtocolDouble() throws IOException {
        server = InProcessServerBuilder.forName(name)
                .addService(ServerInterceptors.intercept(pointsService, interceptor))
                .addService(ServerInterceptors.intercept(collectionsService, interceptor))
                .addService(ServerInterceptors.intercept(qdrantService, interceptor))
                .build()
                .start();
    }

    /**
     * Serves the same state on a free local TCP port too (plaintext, the gRPC transport the Qdrant client brings), for
     * an application under test that connects by {@code freshrag.index.qdrant.host} and {@code port}; answers the port.
     * Closed with the double. The in-process transport stays the one of the module's own contract tests.
     */
    public synchronized int listen() {
        if (tcp == null) {
            try {
                tcp = io.grpc.ServerBuilder.forPort(0)
                        .addService(ServerInterceptors.intercept(pointsService, interceptor))
                        .addService(ServerInterceptors.intercept(collectionsService, interceptor))
                        .addService(ServerInterceptors.intercept(qdrantService, interceptor))
                        .build()
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("the protocol double cannot listen on a local port", e);
            }
        }
        return tcp.getPort();
    }

    public static InProcessQdrantProtocolDouble start() {
        try {
            return new InProcessQdrantProtocolDouble();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A client on a fresh in-process channel, closed (with its channel) by {@code QdrantClient.close()}. Its inbound
     * limit is the one the adapter's own channel sets; the in-process transport does not serialise messages, so this
     * double enforces that limit on its answers itself ({@link #answer}).
     */
    QdrantClient newClient() {
        ManagedChannel channel = InProcessChannelBuilder.forName(name)
                .maxInboundMessageSize(clientInboundLimit).build();
        return new QdrantClient(QdrantGrpcClient.newBuilder(channel, true).build());
    }

    /**
     * From now on upserts ignore {@code update_filter}, as a server that does not know the field would: only for tests that show what the
     * condition prevents.
     */
    public void ignoreUpdateFilters() {
        ignoreUpdateFilters = true;
    }

    /**
     * Opens the Qdrant adapter on a new client of this double under {@code alias} (created on first open), as one
     * embed-service replica would: for tests of other modules, which see only the port's types. The index is both a
     * {@link dev.freshrag.index.VectorIndexWriter} and a {@link dev.freshrag.index.VectorIndexReader}.
     */
    public dev.freshrag.index.VectorIndexWriter openIndex(String alias, dev.freshrag.index.IndexFingerprint fingerprint) {
        return QdrantVectorIndex.open(newClient(), QdrantOptions.defaults().withAlias(alias).withCollectionPrefix(alias)
                .withTimeout(java.time.Duration.ofSeconds(10)), fingerprint);
    }

    /**
     * Opens one generation's own collection under {@code alias} (prefix and alias as {@link #openIndex}), as the
     * embed-service fills a building generation: for tests of other modules.
     */
    public dev.freshrag.index.VectorIndexWriter openGeneration(String alias, dev.freshrag.index.generation.Generation generation) {
        return QdrantVectorIndex.openGeneration(newClient(), moduleOptions(alias), generation);
    }

    /** A reader pinned to the collection {@code alias} names now, as the query-service opens one. */
    public dev.freshrag.index.VectorIndexReader openPinned(String alias, dev.freshrag.index.IndexFingerprint fingerprint) {
        return QdrantVectorIndex.openPinned(newClient(), moduleOptions(alias), fingerprint);
    }

    /** What {@code alias} names, read as a reader that follows it does. */
    public QdrantAliasTargets aliasTargets(String alias) {
        return QdrantAliasTargets.open(newClient(), moduleOptions(alias));
    }

    /** Moves {@code alias} from one generation's collection to another's ({@link QdrantGenerations#switchAlias}). */
    public void switchAlias(String alias, dev.freshrag.index.generation.Generation from,
            dev.freshrag.index.generation.Generation to) {
        try (QdrantGenerations generations = QdrantGenerations.open(newClient(), moduleOptions(alias))) {
            generations.switchAlias(from, to);
        }
    }

    private static QdrantOptions moduleOptions(String alias) {
        return QdrantOptions.defaults().withAlias(alias).withCollectionPrefix(alias)
                .withTimeout(java.time.Duration.ofSeconds(10));
    }

    /** The client's inbound message limit from now on (gRPC's default is 4 MiB; the adapter raises it). */
    void clientInboundLimit(int bytes) {
        clientInboundLimit = bytes;
    }

    // =====================================================================================================
    // inspection and failure injection

    List<Recorded> requests() {
        return List.copyOf(requests);
    }

    /** The recorded requests of one message type, in order. */
    <T extends Message> List<T> requests(Class<T> type) {
        return requests.stream().map(Recorded::request).filter(type::isInstance).map(type::cast).toList();
    }

    List<String> methods() {
        return requests.stream().map(Recorded::method).toList();
    }

    void clearRequests() {
        requests.clear();
    }

    /** Every call from now on is answered with {@code status} (after being recorded). */
    void failEverything(Status status) {
        failEverything = status;
    }

    /** Calls of one method ({@code "qdrant.Points/Query"}) are answered with {@code status}. */
    void failMethod(String fullMethodName, Status status) {
        failMethods.put(fullMethodName, status);
    }

    /** Every call from now on is received and never answered, as a stalled server would. */
    void hangEverything() {
        hangEverything = true;
    }

    void recover() {
        failEverything = null;
        hangEverything = false;
        failMethods.clear();
    }

    Map<String, String> aliases() {
        synchronized (lock) {
            return Map.copyOf(aliases);
        }
    }

    Set<String> collectionNames() {
        synchronized (lock) {
            return Set.copyOf(collections.keySet());
        }
    }

    /** The payload stored for a point, or null. */
    Map<String, Value> payload(String collectionOrAlias, String uuid) {
        synchronized (lock) {
            StoredPoint p = resolve(collectionOrAlias).points.get(uuid);
            return p == null ? null : Map.copyOf(p.payload);
        }
    }

    Set<String> pointIds(String collectionOrAlias) {
        synchronized (lock) {
            return Set.copyOf(resolve(collectionOrAlias).points.keySet());
        }
    }

    @Override
    public void close() {
        for (ServerCall<?, ?> call : hanging) {
            try {
                call.close(Status.UNAVAILABLE.withDescription("protocol double shut down"), new Metadata());
            } catch (RuntimeException ignored) {
                // already cancelled by its deadline
            }
        }
        server.shutdownNow();
        Server listening = tcp;
        if (listening != null) {
            listening.shutdownNow();
        }
        try {
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // =====================================================================================================
    // recording and failures, for every service

    private final class RecordingInterceptor implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            String method = call.getMethodDescriptor().getFullMethodName();
            Status failure = failEverything != null ? failEverything : failMethods.get(method);
            if (hangEverything || failure != null) {
                boolean hang = hangEverything;
                call.request(1);
                return new ServerCall.Listener<>() {
                    @Override
                    public void onMessage(Q message) {
                        requests.add(new Recorded(method, (Message) message));
                    }

                    @Override
                    public void onHalfClose() {
                        if (hang) {
                            hanging.add(call); // answered only by the client's deadline or close()
                        } else {
                            call.close(failure, new Metadata());
                        }
                    }
                };
            }
            return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
                @Override
                public void onMessage(Q message) {
                    requests.add(new Recorded(method, (Message) message));
                    int size = ((Message) message).getSerializedSize();
                    if (size > SERVER_MAX_REQUEST_BYTES) {
                        // as the server refuses a request over its limit; the handler never sees it
                        call.close(Status.RESOURCE_EXHAUSTED.withDescription("gRPC message exceeds maximum size "
                                + SERVER_MAX_REQUEST_BYTES + ": " + size), new Metadata());
                        return;
                    }
                    super.onMessage(message);
                }
            };
        }
    }

    /**
     * Runs a unary handler, answering its exception as a status the way Qdrant would (never as UNKNOWN), and an answer
     * over the client's inbound limit the way a real channel fails it: {@code RESOURCE_EXHAUSTED} with gRPC's wording.
     */
    private <T> void answer(StreamObserver<T> observer, Supplier<T> handler) {
        T response;
        try {
            response = handler.get();
        } catch (StatusRuntimeException e) {
            observer.onError(e);
            return;
        } catch (RuntimeException e) {
            observer.onError(Status.INTERNAL.withDescription("protocol double failed: " + e).withCause(e)
                    .asRuntimeException());
            return;
        }
        int size = response instanceof Message m ? m.getSerializedSize() : 0;
        if (size > clientInboundLimit) {
            observer.onError(Status.RESOURCE_EXHAUSTED.withDescription("gRPC message exceeds maximum size "
                    + clientInboundLimit + ": " + size).asRuntimeException());
            return;
        }
        observer.onNext(response);
        observer.onCompleted();
    }

    private static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription("Wrong input: " + message).asRuntimeException();
    }

    private static StatusRuntimeException unimplemented(String what) {
        return Status.UNIMPLEMENTED.withDescription("the Qdrant protocol double does not implement " + what)
                .asRuntimeException();
    }

    // =====================================================================================================
    // state

    private static final class StoredCollection {
        final String name;
        /** As created; an update of the metadata replaces it with the merged definition. */
        CreateCollection definition;
        final Map<String, PayloadSchemaInfo> payloadSchema = new LinkedHashMap<>();
        /** By id; canonical lower-case UUID strings sort like Qdrant's 128-bit ids. */
        final TreeMap<String, StoredPoint> points = new TreeMap<>();

        StoredCollection(String name, CreateCollection definition) {
            this.name = name;
            this.definition = definition;
        }

        int dimension() {
            return (int) definition.getVectorsConfig().getParams().getSize();
        }

        Distance distance() {
            return definition.getVectorsConfig().getParams().getDistance();
        }
    }

    private record StoredPoint(String id, float[] vector, Map<String, Value> payload,
            Map<String, Map<Integer, Float>> sparse) {
    }

    /** A collection by its name or an alias, as Qdrant resolves them; NOT_FOUND otherwise. Call under the lock. */
    private StoredCollection resolve(String nameOrAlias) {
        String target = aliases.getOrDefault(nameOrAlias, nameOrAlias);
        StoredCollection c = collections.get(target);
        if (c == null) {
            throw Status.NOT_FOUND.withDescription("Not found: Collection `" + nameOrAlias + "` doesn't exist!")
                    .asRuntimeException();
        }
        return c;
    }

    private UpdateResult completed(boolean wait) {
        return UpdateResult.newBuilder().setOperationId(operationIds.incrementAndGet())
                .setStatus(wait ? UpdateStatus.Completed : UpdateStatus.Acknowledged).build();
    }

    private static String idString(PointId id) {
        return switch (id.getPointIdOptionsCase()) {
            case UUID -> UUID.fromString(id.getUuid()).toString(); // canonical form, as Qdrant answers
            case NUM -> Long.toUnsignedString(id.getNum());
            default -> throw invalid("point id is empty");
        };
    }

    private static PointId pointId(String id) {
        return id.contains("-") ? PointId.newBuilder().setUuid(id).build()
                : PointId.newBuilder().setNum(Long.parseUnsignedLong(id)).build();
    }

    // ---- filters

    private static boolean matches(Filter filter, StoredPoint p) {
        if (filter.hasMinShould()) {
            throw unimplemented("min_should");
        }
        for (Condition c : filter.getMustList()) {
            if (!matches(c, p)) {
                return false;
            }
        }
        for (Condition c : filter.getMustNotList()) {
            if (matches(c, p)) {
                return false;
            }
        }
        if (filter.getShouldCount() > 0) {
            for (Condition c : filter.getShouldList()) {
                if (matches(c, p)) {
                    return true;
                }
            }
            return false;
        }
        return true;
    }

    private static boolean matches(Condition c, StoredPoint p) {
        switch (c.getConditionOneOfCase()) {
            case HAS_ID:
                for (PointId id : c.getHasId().getHasIdList()) {
                    if (idString(id).equals(p.id())) {
                        return true;
                    }
                }
                return false;
            case FILTER:
                return matches(c.getFilter(), p);
            case FIELD:
                return matches(c.getField(), p);
            default:
                throw unimplemented("condition " + c.getConditionOneOfCase());
        }
    }

    private static boolean matches(FieldCondition f, StoredPoint p) {
        if (f.getKey().contains(".") || f.getKey().contains("[")) {
            throw unimplemented("nested payload keys (" + f.getKey() + ")");
        }
        if (f.hasMatch() == f.hasRange() || f.hasGeoBoundingBox() || f.hasGeoRadius() || f.hasValuesCount()
                || f.hasGeoPolygon() || f.hasDatetimeRange() || f.hasIsEmpty() || f.hasIsNull()) {
            throw unimplemented("field conditions other than one match or one range");
        }
        Value stored = p.payload().get(f.getKey());
        if (stored == null) {
            return false;
        }
        List<Value> values = stored.hasListValue() ? stored.getListValue().getValuesList() : List.of(stored);
        if (f.hasRange()) {
            // as Qdrant: a number value (integer or double) within every bound given; other values never match
            Range r = f.getRange();
            for (Value v : values) {
                if (!v.hasIntegerValue() && !v.hasDoubleValue()) {
                    continue;
                }
                double x = v.hasIntegerValue() ? v.getIntegerValue() : v.getDoubleValue();
                if ((!r.hasLt() || x < r.getLt()) && (!r.hasLte() || x <= r.getLte())
                        && (!r.hasGt() || x > r.getGt()) && (!r.hasGte() || x >= r.getGte())) {
                    return true;
                }
            }
            return false;
        }
        Match m = f.getMatch();
        for (Value v : values) {
            boolean hit = switch (m.getMatchValueCase()) {
                case KEYWORD -> v.hasStringValue() && v.getStringValue().equals(m.getKeyword());
                case INTEGER -> v.hasIntegerValue() && v.getIntegerValue() == m.getInteger();
                case KEYWORDS -> v.hasStringValue() && m.getKeywords().getStringsList().contains(v.getStringValue());
                default -> throw unimplemented("match " + m.getMatchValueCase());
            };
            if (hit) {
                return true;
            }
        }
        return false;
    }

    /** The points a selector names, in id order. Call under the lock. */
    private static List<StoredPoint> select(StoredCollection c, PointsSelector selector) {
        return switch (selector.getPointsSelectorOneOfCase()) {
            case POINTS -> {
                Set<String> ids = new HashSet<>();
                selector.getPoints().getIdsList().forEach(id -> ids.add(idString(id)));
                yield c.points.values().stream().filter(p -> ids.contains(p.id())).toList();
            }
            case FILTER -> {
                // a must has_id condition narrows the candidates first, as Qdrant's id index does (else a relabel of
                // thousands of chunks, one filtered operation each, scans the collection once per chunk)
                Optional<Condition> ids = selector.getFilter().getMustList().stream().filter(Condition::hasHasId).findFirst();
                Collection<StoredPoint> candidates = ids.isEmpty() ? c.points.values()
                        : ids.get().getHasId().getHasIdList().stream().map(id -> c.points.get(idString(id)))
                                .filter(java.util.Objects::nonNull).sorted(java.util.Comparator.comparing(StoredPoint::id))
                                .toList();
                yield candidates.stream().filter(p -> matches(selector.getFilter(), p)).toList();
            }
            default -> throw invalid("points selector is empty");
        };
    }

    private static Map<String, Value> payloadFor(Map<String, Value> payload, WithPayloadSelector selector) {
        return switch (selector.getSelectorOptionsCase()) {
            case ENABLE -> selector.getEnable() ? payload : Map.of();
            case INCLUDE -> {
                Map<String, Value> included = new LinkedHashMap<>();
                for (String field : selector.getInclude().getFieldsList()) {
                    if (payload.containsKey(field)) {
                        included.put(field, payload.get(field));
                    }
                }
                yield included;
            }
            case EXCLUDE -> {
                Map<String, Value> kept = new LinkedHashMap<>(payload);
                selector.getExclude().getFieldsList().forEach(kept::remove);
                yield kept;
            }
            default -> Map.of(); // Qdrant's default for an unset selector is no payload
        };
    }

    // ---- writes, shared by the single requests and UpdateBatch

    private void upsert(StoredCollection c, List<PointStruct> points) {
        upsert(c, points, null);
    }

    /**
     * As Qdrant's {@code update_filter}: a stored point that does not match the filter keeps its state; a point that
     * does not exist is inserted regardless.
     */
    private void upsert(StoredCollection c, List<PointStruct> points, Filter updateFilter) {
        List<StoredPoint> stored = new ArrayList<>(points.size());
        for (PointStruct ps : points) { // validate the whole batch first
            Map<String, Map<Integer, Float>> sparse = new LinkedHashMap<>();
            Vector v;
            if (ps.hasVectors() && ps.getVectors().hasVectors()) {
                Map<String, Vector> named = ps.getVectors().getVectors().getVectorsMap();
                v = named.get("");
                if (v == null) {
                    throw unimplemented("named vectors without the unnamed dense one");
                }
                for (Map.Entry<String, Vector> e : named.entrySet()) {
                    if (e.getKey().isEmpty()) {
                        continue;
                    }
                    if (!e.getValue().hasSparse() || !c.definition.getSparseVectorsConfig().getMapMap()
                            .containsKey(e.getKey())) {
                        throw invalid("Wrong input: Not existing vector name error: " + e.getKey());
                    }
                    sparse.put(e.getKey(), sparseMap(e.getValue().getSparse().getIndicesList(),
                            e.getValue().getSparse().getValuesList()));
                }
            } else if (ps.hasVectors() && ps.getVectors().hasVector()) {
                v = ps.getVectors().getVector();
            } else {
                throw unimplemented("points without an unnamed dense vector");
            }
            List<Float> data = v.hasDense() ? v.getDense().getDataList() : v.getDataList();
            if (data.size() != c.dimension()) {
                throw invalid("Vector dimension error: expected dim: " + c.dimension() + ", got " + data.size());
            }
            float[] vector = new float[data.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = data.get(i);
            }
            if (c.distance() == Distance.Cosine) {
                normalise(vector);
            } else {
                throw unimplemented("distance " + c.distance());
            }
            stored.add(new StoredPoint(idString(ps.getId()), vector, new LinkedHashMap<>(ps.getPayloadMap()), sparse));
        }
        for (StoredPoint p : stored) {
            StoredPoint old = c.points.get(p.id());
            if (old == null || updateFilter == null || ignoreUpdateFilters || matches(updateFilter, old)) {
                c.points.put(p.id(), p);
            }
        }
    }

    private static Map<Integer, Float> sparseMap(List<Integer> indices, List<Float> values) {
        if (indices.size() != values.size()) {
            throw invalid("Sparse vector indices and values differ in length");
        }
        Map<Integer, Float> m = new LinkedHashMap<>();
        for (int i = 0; i < indices.size(); i++) {
            if (m.put(indices.get(i), values.get(i)) != null) {
                throw invalid("Sparse vector has duplicate indices");
            }
        }
        return m;
    }

    /** Sparse search as described in the class comment. Call under the lock. */
    private static List<ScoredPoint> sparseSearch(StoredCollection c, QueryPoints request) {
        String name = request.getUsing();
        SparseVectorParams params = c.definition.getSparseVectorsConfig().getMapMap().get(name);
        if (params == null) {
            throw invalid("Wrong input: Not existing vector name error: " + name);
        }
        if (!request.getQuery().getNearest().hasSparse()) {
            throw unimplemented("queries of a sparse vector other than nearest to a sparse vector");
        }
        Map<Integer, Float> q = sparseMap(request.getQuery().getNearest().getSparse().getIndicesList(),
                request.getQuery().getNearest().getSparse().getValuesList());
        Map<Integer, Double> weight = new LinkedHashMap<>();
        long holders = c.points.values().stream().filter(p -> p.sparse().containsKey(name)).count();
        q.forEach((index, value) -> {
            double w = value;
            if (params.getModifier() == Modifier.Idf) {
                long n = c.points.values().stream()
                        .filter(p -> p.sparse().getOrDefault(name, Map.of()).containsKey(index)).count();
                w *= Math.log(1 + (holders - n + 0.5) / (n + 0.5));
            }
            weight.put(index, w);
        });
        List<ScoredPoint> scored = new ArrayList<>();
        for (StoredPoint p : c.points.values()) {
            Map<Integer, Float> d = p.sparse().get(name);
            if (d == null || (request.hasFilter() && !matches(request.getFilter(), p))) {
                continue;
            }
            double score = 0;
            boolean shared = false;
            for (Map.Entry<Integer, Double> e : weight.entrySet()) {
                Float dv = d.get(e.getKey());
                if (dv != null) {
                    shared = true;
                    score += e.getValue() * dv;
                }
            }
            if (!shared || (request.hasScoreThreshold() && score < request.getScoreThreshold())) {
                continue;
            }
            scored.add(ScoredPoint.newBuilder().setId(pointId(p.id())).setScore((float) score)
                    .putAllPayload(payloadFor(p.payload(), request.getWithPayload())).build());
        }
        return scored;
    }

    private static void normalise(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += (double) x * x;
        }
        if (norm == 0) {
            return;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < v.length; i++) {
            v[i] *= scale;
        }
    }

    private static void setPayload(StoredCollection c, PointsSelector selector, Map<String, Value> payload,
            boolean overwrite, boolean hasKey) {
        if (hasKey) {
            throw unimplemented("payload updates under a key");
        }
        for (StoredPoint p : select(c, selector)) {
            if (overwrite) {
                p.payload().clear();
            }
            p.payload().putAll(payload); // top-level keys replaced whole
        }
    }

    private void apply(StoredCollection c, PointsUpdateOperation op) {
        switch (op.getOperationCase()) {
            case UPSERT -> upsert(c, op.getUpsert().getPointsList(),
                    op.getUpsert().hasUpdateFilter() ? op.getUpsert().getUpdateFilter() : null);
            case DELETE_POINTS -> select(c, op.getDeletePoints().getPoints()).forEach(p -> c.points.remove(p.id()));
            case SET_PAYLOAD -> setPayload(c, op.getSetPayload().getPointsSelector(), op.getSetPayload().getPayloadMap(),
                    false, op.getSetPayload().hasKey());
            case OVERWRITE_PAYLOAD -> setPayload(c, op.getOverwritePayload().getPointsSelector(),
                    op.getOverwritePayload().getPayloadMap(), true, op.getOverwritePayload().hasKey());
            case DELETE_PAYLOAD -> select(c, op.getDeletePayload().getPointsSelector())
                    .forEach(p -> op.getDeletePayload().getKeysList().forEach(p.payload()::remove));
            case UPDATE_VECTORS -> updateVectors(c, op.getUpdateVectors().getPointsList(),
                    op.getUpdateVectors().hasUpdateFilter() ? op.getUpdateVectors().getUpdateFilter() : null);
            default -> throw unimplemented("batch operation " + op.getOperationCase());
        }
    }

    /**
     * As Qdrant's update of named vectors: only the named vectors given change, the others stay; every named vector
     * must exist in the collection (a sparse name needs a sparse vector, the unnamed one a dense vector of the
     * collection's dimension); a point that does not exist is an error (Qdrant: "No point with id ... found"), checked
     * for the whole operation before anything changes; a point that does not match {@code update_filter} keeps its
     * vectors.
     */
    private void updateVectors(StoredCollection c, List<PointVectors> points, Filter updateFilter) {
        for (PointVectors pv : points) { // validate the whole operation first
            String id = idString(pv.getId());
            if (!c.points.containsKey(id)) {
                throw Status.NOT_FOUND.withDescription("Not found: No point with id " + id + " found")
                        .asRuntimeException();
            }
            if (!pv.hasVectors() || !pv.getVectors().hasVectors()) {
                throw unimplemented("vector updates other than named vectors");
            }
            for (Map.Entry<String, Vector> e : pv.getVectors().getVectors().getVectorsMap().entrySet()) {
                if (e.getKey().isEmpty()) {
                    throw unimplemented("updates of the unnamed dense vector");
                }
                if (!e.getValue().hasSparse() || !c.definition.getSparseVectorsConfig().getMapMap()
                        .containsKey(e.getKey())) {
                    throw invalid("Wrong input: Not existing vector name error: " + e.getKey());
                }
                sparseMap(e.getValue().getSparse().getIndicesList(), e.getValue().getSparse().getValuesList());
            }
        }
        for (PointVectors pv : points) {
            StoredPoint old = c.points.get(idString(pv.getId()));
            if (updateFilter != null && !ignoreUpdateFilters && !matches(updateFilter, old)) {
                continue;
            }
            pv.getVectors().getVectors().getVectorsMap().forEach((name, v) -> old.sparse().put(name,
                    sparseMap(v.getSparse().getIndicesList(), v.getSparse().getValuesList())));
        }
    }

    // =====================================================================================================
    // services

    private final class QdrantService extends QdrantGrpc.QdrantImplBase {
        @Override
        public void healthCheck(HealthCheckRequest request, StreamObserver<HealthCheckReply> observer) {
            answer(observer, () -> HealthCheckReply.newBuilder()
                    .setTitle("qdrant protocol double (not Qdrant)").setVersion(VERSION).build());
        }
    }

    private final class CollectionsService extends CollectionsGrpc.CollectionsImplBase {

        @Override
        public void get(GetCollectionInfoRequest request, StreamObserver<GetCollectionInfoResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    StoredCollection c = resolve(request.getCollectionName());
                    CreateCollection d = c.definition;
                    CollectionParams.Builder params = CollectionParams.newBuilder()
                            .setShardNumber(d.hasShardNumber() ? d.getShardNumber() : 1)
                            .setVectorsConfig(d.getVectorsConfig())
                            .setSparseVectorsConfig(d.getSparseVectorsConfig())
                            .setReplicationFactor(d.hasReplicationFactor() ? d.getReplicationFactor() : 1);
                    return GetCollectionInfoResponse.newBuilder().setResult(CollectionInfo.newBuilder()
                            .setStatus(CollectionStatus.Green)
                            .setOptimizerStatus(OptimizerStatus.newBuilder().setOk(true))
                            .setConfig(CollectionConfig.newBuilder().setParams(params)
                                    .putAllMetadata(d.getMetadataMap()))
                            .putAllPayloadSchema(c.payloadSchema)
                            .setPointsCount(c.points.size()))
                            .build();
                }
            });
        }

        @Override
        public void list(ListCollectionsRequest request, StreamObserver<ListCollectionsResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    ListCollectionsResponse.Builder r = ListCollectionsResponse.newBuilder();
                    collections.keySet().forEach(n -> r.addCollections(CollectionDescription.newBuilder().setName(n)));
                    return r.build();
                }
            });
        }

        @Override
        public void create(CreateCollection request, StreamObserver<CollectionOperationResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    String n = request.getCollectionName();
                    if (collections.containsKey(n) || aliases.containsKey(n)) {
                        throw Status.ALREADY_EXISTS.withDescription("Wrong input: Collection `" + n
                                + "` already exists!").asRuntimeException();
                    }
                    if (!request.getVectorsConfig().hasParams()) {
                        throw unimplemented("collections without a single unnamed vector");
                    }
                    if (request.getVectorsConfig().getParams().getSize() < 1) {
                        throw invalid("vector size must be positive");
                    }
                    collections.put(n, new StoredCollection(n, request));
                    return CollectionOperationResponse.newBuilder().setResult(true).build();
                }
            });
        }

        /**
         * As Qdrant (1.16+) does for collection metadata: the request's keys are merged into what is stored; the
         * collection must exist (an alias names it too). Other parameters of an update (optimizers, HNSW, quantisation,
         * vectors) are not modelled and refused, so no test can believe they took effect.
         */
        @Override
        public void update(UpdateCollection request, StreamObserver<CollectionOperationResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    StoredCollection c = resolve(request.getCollectionName());
                    if (request.hasOptimizersConfig() || request.hasParams() || request.hasHnswConfig()
                            || request.hasVectorsConfig() || request.hasQuantizationConfig()
                            || request.hasSparseVectorsConfig() || request.hasStrictModeConfig()) {
                        throw unimplemented("collection updates other than metadata");
                    }
                    c.definition = c.definition.toBuilder().putAllMetadata(request.getMetadataMap()).build();
                    return CollectionOperationResponse.newBuilder().setResult(true).build();
                }
            });
        }

        @Override
        public void delete(DeleteCollection request, StreamObserver<CollectionOperationResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    boolean existed = collections.remove(request.getCollectionName()) != null;
                    aliases.values().removeIf(request.getCollectionName()::equals);
                    return CollectionOperationResponse.newBuilder().setResult(existed).build();
                }
            });
        }

        @Override
        public void collectionExists(CollectionExistsRequest request,
                StreamObserver<CollectionExistsResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    boolean exists = collections.containsKey(request.getCollectionName());
                    return CollectionExistsResponse.newBuilder()
                            .setResult(CollectionExists.newBuilder().setExists(exists)).build();
                }
            });
        }

        /**
         * As Qdrant does: the actions of one request run in order under the collections lock, so no other request sees
         * the aliases between two of them (that is what makes a delete+create switch atomic for readers); they are not
         * a transaction, so when one fails the actions before it stay applied. A create needs a collection (not an
         * alias) as its target and an alias name that no collection has, and re-points an alias of that name; a delete
         * of a missing alias does nothing; a rename of a missing alias is NOT_FOUND.
         */
        @Override
        public void updateAliases(ChangeAliases request, StreamObserver<CollectionOperationResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    for (AliasOperations op : request.getActionsList()) {
                        switch (op.getActionCase()) {
                            case CREATE_ALIAS -> {
                                String target = op.getCreateAlias().getCollectionName();
                                String alias = op.getCreateAlias().getAliasName();
                                if (!collections.containsKey(target)) {
                                    throw Status.NOT_FOUND.withDescription("Not found: Collection `" + target
                                            + "` doesn't exist!").asRuntimeException();
                                }
                                if (collections.containsKey(alias)) {
                                    throw Status.ALREADY_EXISTS.withDescription("Wrong input: Collection `" + alias
                                            + "` already exists!").asRuntimeException();
                                }
                                aliases.put(alias, target);
                            }
                            case DELETE_ALIAS -> aliases.remove(op.getDeleteAlias().getAliasName());
                            case RENAME_ALIAS -> {
                                String target = aliases.remove(op.getRenameAlias().getOldAliasName());
                                if (target == null) {
                                    throw Status.NOT_FOUND.withDescription("Not found: Alias `"
                                            + op.getRenameAlias().getOldAliasName() + "` doesn't exist!")
                                            .asRuntimeException();
                                }
                                aliases.put(op.getRenameAlias().getNewAliasName(), target);
                            }
                            default -> throw invalid("alias action is empty");
                        }
                    }
                    return CollectionOperationResponse.newBuilder().setResult(true).build();
                }
            });
        }

        @Override
        public void listAliases(ListAliasesRequest request, StreamObserver<ListAliasesResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    ListAliasesResponse.Builder r = ListAliasesResponse.newBuilder();
                    aliases.forEach((alias, target) -> r.addAliases(AliasDescription.newBuilder()
                            .setAliasName(alias).setCollectionName(target)));
                    return r.build();
                }
            });
        }

        @Override
        public void listCollectionAliases(ListCollectionAliasesRequest request,
                StreamObserver<ListAliasesResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    ListAliasesResponse.Builder r = ListAliasesResponse.newBuilder();
                    aliases.forEach((alias, target) -> {
                        if (target.equals(request.getCollectionName())) {
                            r.addAliases(AliasDescription.newBuilder().setAliasName(alias).setCollectionName(target));
                        }
                    });
                    return r.build();
                }
            });
        }
    }

    private final class PointsService extends PointsGrpc.PointsImplBase {

        @Override
        public void upsert(UpsertPoints request, StreamObserver<PointsOperationResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    if (request.hasUpdateMode()) {
                        throw unimplemented("update_mode");
                    }
                    InProcessQdrantProtocolDouble.this.upsert(resolve(request.getCollectionName()),
                            request.getPointsList(), request.hasUpdateFilter() ? request.getUpdateFilter() : null);
                    return PointsOperationResponse.newBuilder().setResult(completed(request.getWait())).build();
                }
            });
        }

        @Override
        public void delete(DeletePoints request, StreamObserver<PointsOperationResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    StoredCollection c = resolve(request.getCollectionName());
                    select(c, request.getPoints()).forEach(p -> c.points.remove(p.id()));
                    return PointsOperationResponse.newBuilder().setResult(completed(request.getWait())).build();
                }
            });
        }

        @Override
        public void get(GetPoints request, StreamObserver<GetResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    StoredCollection c = resolve(request.getCollectionName());
                    GetResponse.Builder r = GetResponse.newBuilder();
                    for (PointId id : request.getIdsList()) {
                        StoredPoint p = c.points.get(idString(id));
                        if (p != null) {
                            r.addResult(retrieved(p, request.getWithPayload(),
                                    request.hasWithVectors() && request.getWithVectors().getEnable()));
                        }
                    }
                    return r.build();
                }
            });
        }

        @Override
        public void setPayload(SetPayloadPoints request, StreamObserver<PointsOperationResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    InProcessQdrantProtocolDouble.setPayload(resolve(request.getCollectionName()),
                            request.getPointsSelector(), request.getPayloadMap(), false, request.hasKey());
                    return PointsOperationResponse.newBuilder().setResult(completed(request.getWait())).build();
                }
            });
        }

        @Override
        public void overwritePayload(SetPayloadPoints request, StreamObserver<PointsOperationResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    InProcessQdrantProtocolDouble.setPayload(resolve(request.getCollectionName()),
                            request.getPointsSelector(), request.getPayloadMap(), true, request.hasKey());
                    return PointsOperationResponse.newBuilder().setResult(completed(request.getWait())).build();
                }
            });
        }

        @Override
        public void deletePayload(DeletePayloadPoints request, StreamObserver<PointsOperationResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    StoredCollection c = resolve(request.getCollectionName());
                    select(c, request.getPointsSelector())
                            .forEach(p -> request.getKeysList().forEach(p.payload()::remove));
                    return PointsOperationResponse.newBuilder().setResult(completed(request.getWait())).build();
                }
            });
        }

        @Override
        public void createFieldIndex(CreateFieldIndexCollection request,
                StreamObserver<PointsOperationResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    StoredCollection c = resolve(request.getCollectionName());
                    PayloadSchemaType type = switch (request.getFieldType()) {
                        case FieldTypeKeyword -> PayloadSchemaType.Keyword;
                        case FieldTypeInteger -> PayloadSchemaType.Integer;
                        case FieldTypeFloat -> PayloadSchemaType.Float;
                        case FieldTypeBool -> PayloadSchemaType.Bool;
                        case FieldTypeUuid -> PayloadSchemaType.Uuid;
                        default -> throw unimplemented("field index type " + request.getFieldType());
                    };
                    PayloadSchemaInfo.Builder info = PayloadSchemaInfo.newBuilder().setDataType(type).setPoints(0);
                    if (request.hasFieldIndexParams()) {
                        info.setParams(request.getFieldIndexParams());
                    }
                    c.payloadSchema.put(request.getFieldName(), info.build());
                    return PointsOperationResponse.newBuilder().setResult(completed(request.getWait())).build();
                }
            });
        }

        @Override
        public void scroll(ScrollPoints request, StreamObserver<ScrollResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    if (request.hasOrderBy()) {
                        throw unimplemented("scroll order_by");
                    }
                    StoredCollection c = resolve(request.getCollectionName());
                    int limit = request.hasLimit() ? request.getLimit() : 10;
                    Map<String, StoredPoint> from = request.hasOffset()
                            ? c.points.tailMap(idString(request.getOffset()), true) : c.points;
                    ScrollResponse.Builder r = ScrollResponse.newBuilder();
                    int taken = 0;
                    for (StoredPoint p : from.values()) {
                        if (request.hasFilter() && !matches(request.getFilter(), p)) {
                            continue;
                        }
                        if (taken == limit) {
                            r.setNextPageOffset(pointId(p.id()));
                            break;
                        }
                        r.addResult(retrieved(p, request.getWithPayload(),
                                request.hasWithVectors() && request.getWithVectors().getEnable()));
                        taken++;
                    }
                    return r.build();
                }
            });
        }

        @Override
        public void count(CountPoints request, StreamObserver<CountResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    StoredCollection c = resolve(request.getCollectionName());
                    long n = c.points.values().stream()
                            .filter(p -> !request.hasFilter() || matches(request.getFilter(), p)).count();
                    return CountResponse.newBuilder().setResult(CountResult.newBuilder().setCount(n)).build();
                }
            });
        }

        @Override
        public void query(QueryPoints request, StreamObserver<QueryResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    StoredCollection c = resolve(request.getCollectionName());
                    if (request.hasUsing() && !request.getUsing().isEmpty() && request.getPrefetchCount() == 0
                            && !request.hasLookupFrom() && request.hasQuery() && request.getQuery().hasNearest()) {
                        List<ScoredPoint> scored = sparseSearch(c, request);
                        scored.sort(Comparator.comparingDouble(ScoredPoint::getScore).reversed());
                        return QueryResponse.newBuilder().addAllResult(scored.stream()
                                .skip(request.hasOffset() ? request.getOffset() : 0)
                                .limit(request.hasLimit() ? request.getLimit() : 10).toList()).build();
                    }
                    if (request.getPrefetchCount() > 0 || request.hasUsing() || request.hasLookupFrom()
                            || !request.hasQuery() || !request.getQuery().hasNearest()
                            || !request.getQuery().getNearest().hasDense()) {
                        throw unimplemented("queries other than nearest to a dense vector");
                    }
                    List<Float> data = request.getQuery().getNearest().getDense().getDataList();
                    if (data.size() != c.dimension()) {
                        throw invalid("Vector dimension error: expected dim: " + c.dimension() + ", got "
                                + data.size());
                    }
                    float[] q = new float[data.size()];
                    for (int i = 0; i < q.length; i++) {
                        q[i] = data.get(i);
                    }
                    normalise(q);
                    long limit = request.hasLimit() ? request.getLimit() : 10;
                    long offset = request.hasOffset() ? request.getOffset() : 0;
                    List<ScoredPoint> scored = new ArrayList<>();
                    for (StoredPoint p : c.points.values()) {
                        if (request.hasFilter() && !matches(request.getFilter(), p)) {
                            continue;
                        }
                        float dot = 0;
                        for (int i = 0; i < q.length; i++) {
                            dot += q[i] * p.vector()[i];
                        }
                        if (request.hasScoreThreshold() && dot < request.getScoreThreshold()) {
                            continue;
                        }
                        scored.add(ScoredPoint.newBuilder().setId(pointId(p.id())).setScore(dot)
                                .putAllPayload(payloadFor(p.payload(), request.getWithPayload())).build());
                    }
                    scored.sort(Comparator.comparingDouble(ScoredPoint::getScore).reversed());
                    return QueryResponse.newBuilder()
                            .addAllResult(scored.stream().skip(offset).limit(limit).toList()).build();
                }
            });
        }

        @Override
        public void updateBatch(UpdateBatchPoints request, StreamObserver<UpdateBatchResponse> observer) {
            answer(observer, () -> {
                synchronized (lock) {
                    StoredCollection c = resolve(request.getCollectionName());
                    UpdateBatchResponse.Builder r = UpdateBatchResponse.newBuilder();
                    for (PointsUpdateOperation op : request.getOperationsList()) {
                        apply(c, op);
                        r.addResult(completed(request.getWait()));
                    }
                    return r.build();
                }
            });
        }
    }

    private static RetrievedPoint retrieved(StoredPoint p, WithPayloadSelector withPayload, boolean withVectors) {
        RetrievedPoint.Builder r = RetrievedPoint.newBuilder().setId(pointId(p.id()))
                .putAllPayload(payloadFor(p.payload(), withPayload));
        if (withVectors) {
            VectorOutput.Builder v = VectorOutput.newBuilder();
            for (float x : p.vector()) {
                v.getDenseBuilder().addData(x);
            }
            r.setVectors(VectorsOutput.newBuilder().setVector(v));
        }
        return r.build();
    }
}
