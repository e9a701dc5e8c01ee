package dev.freshrag.index.qdrant;

import static dev.freshrag.index.qdrant.QdrantVectorIndex.checkId;
import static dev.freshrag.index.qdrant.QdrantVectorIndex.checkTenant;

import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.LexicalAnalysis;
import dev.freshrag.index.LexicalQuery;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.SourceOffsets;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.VectorInputFactory;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Points.GetPoints;
import io.qdrant.client.grpc.Points.PayloadIncludeSelector;
import io.qdrant.client.grpc.Points.Query;
import io.qdrant.client.grpc.Points.QueryPoints;
import io.qdrant.client.grpc.Points.SearchParams;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.ScoredPoint;
import io.qdrant.client.grpc.Points.ScrollPoints;
import io.qdrant.client.grpc.Points.ScrollResponse;
import io.qdrant.client.grpc.Points.WithPayloadSelector;
import io.qdrant.client.grpc.Points.WithVectorsSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The reads of the Qdrant adapter through its alias: tenant-filtered search, a document's status and chunks (by
 * scrolling), and the recorded source offsets. Every read of chunks carries the tenant condition
 * ({@link TenantFilters}), which also keeps the bookkeeping point out of sight.
 */
final class QdrantChunkReader {

    /** Points per scroll page: a document's chunks usually fit in one page. */
    static final int SCROLL_PAGE = 256;

    private static final List<String> STATUS_FIELDS = List.of(ChunkPayloads.VERSION, ChunkPayloads.INDEXED_AT);
    private static final List<String> CHUNK_FIELDS = List.of(ChunkPayloads.CHUNK_ID, ChunkPayloads.SEQ);

    private final QdrantClient client;
    private final QdrantCalls calls;
    private final String alias;
    private final IndexFingerprint fingerprint;
    /** Whether the collection has the lexical sparse vector ({@link LexicalVectors}); older collections do not. */
    private final boolean lexical;

    QdrantChunkReader(QdrantClient client, QdrantCalls calls, String alias, IndexFingerprint fingerprint,
            boolean lexical) {
        this.client = client;
        this.calls = calls;
        this.alias = alias;
        this.fingerprint = fingerprint;
        this.lexical = lexical;
    }

    boolean lexical() {
        return lexical;
    }

    List<SearchHit> search(SearchQuery query) {
        Objects.requireNonNull(query, "query");
        checkTenant(query.tenant());
        fingerprint.requireUsable(query.vector(), "query vector");
        List<ScoredPoint> points = calls.await("search", client.queryAsync(QueryPoints.newBuilder()
                        .setCollectionName(alias)
                        .setQuery(Query.newBuilder().setNearest(VectorInputFactory.vectorInput(query.vector())))
                        // as many HNSW candidates as the Lucene adapter (without it: ef_construct, 100 by default)
                        .setParams(SearchParams.newBuilder().setHnswEf(query.candidates()))
                        .setFilter(TenantFilters.search(query.tenant(), query.filter()))
                        .setLimit(query.k())
                        .setWithPayload(include(ChunkPayloads.HIT_FIELDS))
                        .setWithVectors(noVectors())
                        .setReadConsistency(QdrantConsistency.READ_CONSISTENCY)
                        .build(),
                calls.timeout()));
        List<SearchHit> hits = new ArrayList<>(points.size());
        for (ScoredPoint p : points) {
            // Cosine in Qdrant is the dot product of normalised vectors; float rounding can step just outside [-1, 1]
            hits.add(ChunkPayloads.hit(p.getPayloadMap(), Math.max(-1f, Math.min(1f, p.getScore()))));
        }
        return hits;
    }

    /**
     * BM25 through the sparse vector: FreshRAG's term values, Qdrant's IDF. A collection created before lexical
     * search existed has no sparse vector and finds nothing here (it said so at start); hybrid search then ranks by
     * the dense branch alone.
     */
    List<SearchHit> searchLexical(LexicalQuery query) {
        Objects.requireNonNull(query, "query");
        checkTenant(query.tenant());
        LexicalAnalysis.SparseVector terms = LexicalAnalysis.queryVector(query.text());
        if (!lexical || terms.isEmpty()) {
            return List.of();
        }
        List<ScoredPoint> points = calls.await("lexical search", client.queryAsync(QueryPoints.newBuilder()
                        .setCollectionName(alias)
                        .setQuery(Query.newBuilder().setNearest(LexicalVectors.query(terms)))
                        .setUsing(LexicalVectors.NAME)
                        .setFilter(TenantFilters.search(query.tenant(), query.filter()))
                        .setLimit(query.k())
                        .setWithPayload(include(ChunkPayloads.HIT_FIELDS))
                        .setWithVectors(noVectors())
                        .build(),
                calls.timeout()));
        List<SearchHit> hits = new ArrayList<>(points.size());
        for (ScoredPoint p : points) {
            hits.add(ChunkPayloads.hit(p.getPayloadMap(), p.getScore()));
        }
        return hits;
    }

    /** Scrolls the document's points, reading only version and write time: exact even while chunks differ in version. */
    Optional<DocumentStatus> document(String tenant, String docId) {
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
    List<String> chunkIds(String tenant, String docId) {
        checkTenant(tenant);
        checkId(docId, "docId");
        List<Map.Entry<Long, String>> chunks = new ArrayList<>();
        scroll("list chunks", TenantFilters.document(tenant, docId), CHUNK_FIELDS, p -> chunks.add(Map.entry(
                ChunkPayloads.number(p.getPayloadMap(), ChunkPayloads.SEQ),
                ChunkPayloads.text(p.getPayloadMap(), ChunkPayloads.CHUNK_ID))));
        chunks.sort(Map.Entry.<Long, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()));
        return chunks.stream().map(Map.Entry::getValue).toList();
    }

    private static final List<String> LISTING_FIELDS = List.of(ChunkPayloads.DOC_ID, ChunkPayloads.VERSION, ChunkPayloads.INDEXED_AT);

    /**
     * Scrolls all of the tenant's chunks (Qdrant's keyword index matches whole values, not prefixes) and keeps the
     * documents whose docId starts with the prefix: a browsing read, linear in the tenant's chunks.
     */
    List<DocumentStatus> documents(String tenant, String prefix, int limit) {
        checkTenant(tenant);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        String p = prefix == null ? "" : prefix;
        java.util.TreeMap<String, long[]> docs = new java.util.TreeMap<>(); // docId -> version, indexedAt, chunks
        scroll("list documents", TenantFilters.tenant(tenant), LISTING_FIELDS, point -> {
            String docId = ChunkPayloads.text(point.getPayloadMap(), ChunkPayloads.DOC_ID);
            if (docId == null || !docId.startsWith(p)) {
                return;
            }
            long[] acc = docs.computeIfAbsent(docId, k -> new long[] {Long.MIN_VALUE, Long.MIN_VALUE, 0});
            acc[0] = Math.max(acc[0], ChunkPayloads.number(point.getPayloadMap(), ChunkPayloads.VERSION));
            acc[1] = Math.max(acc[1], ChunkPayloads.number(point.getPayloadMap(), ChunkPayloads.INDEXED_AT));
            acc[2]++;
        });
        return docs.entrySet().stream().limit(limit)
                .map(e -> new DocumentStatus(e.getKey(), e.getValue()[0], (int) e.getValue()[2], e.getValue()[1]))
                .toList();
    }

    /** The document's chunks with their payloads, by {@code seq}, then chunk id; score 0 (no query). */
    List<SearchHit> chunks(String tenant, String docId) {
        checkTenant(tenant);
        checkId(docId, "docId");
        List<SearchHit> chunks = new ArrayList<>();
        scroll("read chunks", TenantFilters.document(tenant, docId), ChunkPayloads.HIT_FIELDS,
                p -> chunks.add(ChunkPayloads.hit(p.getPayloadMap(), 0f)));
        chunks.sort(java.util.Comparator.comparingInt(SearchHit::seq).thenComparing(SearchHit::chunkId));
        return chunks;
    }

    /**
     * The offsets of a lane: one point per partition ({@link PartitionOffsetPoint}), merged with the single shared point
     * that releases before per-partition bookkeeping wrote ({@link SourceOffsetsPoint}), so an upgrade loses no position.
     */
    SourceOffsets offsets(dev.freshrag.index.Lane lane) {
        java.util.TreeMap<Integer, Long> next = new java.util.TreeMap<>(SourceOffsetsPoint.read(
                bookkeeping(List.of(SourceOffsetsPoint.field(lane))), lane).nextByPartition());
        List<RetrievedPoint> points = new ArrayList<>();
        scroll("read source offsets", PartitionOffsetPoint.ofLane(lane), PartitionOffsetPoint.FIELDS, points::add);
        PartitionOffsetPoint.read(points, next);
        return new SourceOffsets(next);
    }

    /** The live lane's deferred set: one {@link dev.freshrag.index.Lane#LIVE_DEFERRED} point per partition. */
    dev.freshrag.index.DeferredOffsets deferredOffsets() {
        List<RetrievedPoint> points = new ArrayList<>();
        scroll("read deferred offsets", PartitionOffsetPoint.ofLane(dev.freshrag.index.Lane.LIVE_DEFERRED),
                PartitionOffsetPoint.FIELDS_WITH_RANGES, points::add);
        return PartitionOffsetPoint.readDeferred(points);
    }

    private List<RetrievedPoint> bookkeeping(List<String> fields) {
        return calls.await("read source offsets", client.retrieveAsync(GetPoints.newBuilder()
                        .setCollectionName(alias)
                        .addIds(PointIds.id(PointIds.BOOKKEEPING))
                        .setWithPayload(include(fields))
                        .setWithVectors(noVectors())
                        .setReadConsistency(QdrantConsistency.READ_CONSISTENCY)
                        .build(),
                calls.timeout()));
    }

    /** Pages through the points a filter selects, reading only {@code fields} (never vectors): no answer grows with a document. */
    void scroll(String operation, Filter filter, List<String> fields, Consumer<RetrievedPoint> each) {
        PointId offset = null;
        do {
            ScrollPoints.Builder request = ScrollPoints.newBuilder()
                    .setCollectionName(alias)
                    .setFilter(filter)
                    .setLimit(SCROLL_PAGE)
                    .setWithPayload(include(fields))
                    .setWithVectors(noVectors())
                    .setReadConsistency(QdrantConsistency.READ_CONSISTENCY);
            if (offset != null) {
                request.setOffset(offset);
            }
            ScrollResponse page = calls.await(operation, client.scrollAsync(request.build(), calls.timeout()));
            page.getResultList().forEach(each);
            offset = page.hasNextPageOffset() ? page.getNextPageOffset() : null;
        } while (offset != null);
    }

    private static final List<String> MARK_LISTING_FIELDS = List.of(DocumentMarkPoint.MARK_DOC_ID, DocumentMarkPoint.VERSION);

    /**
     * One scroll page over the tenant's live mark points (reserved tenant, mark kind, {@code markTenant}, not deleted),
     * reading docId and version only. Qdrant pages by point id: the cursor is the id of the next page's first point.
     */
    dev.freshrag.index.IndexedDocumentPage indexedDocuments(String tenant, String cursor, int limit) {
        checkTenant(tenant);
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, was " + limit);
        }
        ScrollPoints.Builder request = ScrollPoints.newBuilder()
                .setCollectionName(alias)
                .setFilter(DocumentMarkPoint.liveOf(tenant))
                .setLimit(limit)
                .setWithPayload(include(MARK_LISTING_FIELDS))
                .setWithVectors(noVectors())
                .setReadConsistency(QdrantConsistency.READ_CONSISTENCY);
        if (cursor != null && !cursor.isEmpty()) {
            java.util.UUID from;
            try {
                from = java.util.UUID.fromString(cursor);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a cursor of this index: " + cursor, e);
            }
            request.setOffset(PointIds.id(from));
        }
        ScrollResponse page = calls.await("list indexed documents", client.scrollAsync(request.build(), calls.timeout()));
        List<dev.freshrag.index.IndexedDocument> documents = new ArrayList<>(page.getResultCount());
        for (RetrievedPoint p : page.getResultList()) {
            documents.add(new dev.freshrag.index.IndexedDocument(
                    ChunkPayloads.text(p.getPayloadMap(), DocumentMarkPoint.MARK_DOC_ID),
                    ChunkPayloads.number(p.getPayloadMap(), DocumentMarkPoint.VERSION)));
        }
        String next = page.hasNextPageOffset() ? page.getNextPageOffset().getUuid() : null;
        return new dev.freshrag.index.IndexedDocumentPage(documents, next);
    }

    /** The document's mark point ({@link DocumentMarkPoint}), if one was written. */
    java.util.Optional<dev.freshrag.index.DocumentMark> mark(String tenant, String docId) {
        List<RetrievedPoint> retrieved = calls.await("read a document mark", client.retrieveAsync(GetPoints.newBuilder()
                        .setCollectionName(alias)
                        .addIds(PointIds.id(DocumentMarkPoint.id(tenant, docId)))
                        .setWithPayload(include(DocumentMarkPoint.FIELDS))
                        .setWithVectors(noVectors())
                        .setReadConsistency(QdrantConsistency.READ_CONSISTENCY)
                        .build(),
                calls.timeout()));
        return DocumentMarkPoint.read(retrieved, tenant, docId);
    }

    /** The mark points of the collection (every tenant's, tombstones included), counted exactly. */
    long markCount() {
        return calls.await("count document marks", client.countAsync(alias, DocumentMarkPoint.all(), true,
                calls.timeout()));
    }

    static WithPayloadSelector include(List<String> fields) {
        return WithPayloadSelector.newBuilder().setInclude(PayloadIncludeSelector.newBuilder().addAllFields(fields))
                .build();
    }

    static WithVectorsSelector noVectors() {
        return WithVectorsSelector.newBuilder().setEnable(false).build();
    }
}
