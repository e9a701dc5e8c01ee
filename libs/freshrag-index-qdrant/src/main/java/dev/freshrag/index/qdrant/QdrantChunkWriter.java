package dev.freshrag.index.qdrant;

import static dev.freshrag.index.qdrant.QdrantChunkReader.include;
import static dev.freshrag.index.qdrant.QdrantChunkReader.noVectors;
import static dev.freshrag.index.qdrant.QdrantVectorIndex.checkId;
import static dev.freshrag.index.qdrant.QdrantVectorIndex.checkTenant;

import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.DocumentMark;
import dev.freshrag.index.DeferredOffsets;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SourceOffsets;
import io.qdrant.client.grpc.Common.Condition;
import io.qdrant.client.grpc.Common.FieldCondition;
import io.qdrant.client.grpc.Common.Range;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.DeletePoints;
import io.qdrant.client.grpc.Points.GetPoints;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.PointVectors;
import io.qdrant.client.grpc.Points.PointsSelector;
import io.qdrant.client.grpc.Points.PointsUpdateOperation;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.UpdateBatchPoints;
import io.qdrant.client.grpc.Points.UpdateResult;
import io.qdrant.client.grpc.Points.UpdateStatus;
import io.qdrant.client.grpc.Points.UpsertPoints;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The writes of the Qdrant adapter through its alias. Every write asks Qdrant to wait until it is applied
 * ({@code wait=true}), so when a method returns the write is durable (in Qdrant's WAL) and visible to every reader;
 * that is why {@link #commit} has nothing to flush and only records the source offsets ({@link PartitionOffsetPoint}).
 *
 * <p>Several writers may share the collection (embed-service replicas, one during a rebalance finishing late): every
 * write that could overwrite a newer change is conditional in Qdrant itself. Upserts and payload updates replace only
 * points labelled at or below their version, versioned deletes remove only such points, the document mark is replaced
 * only by a newer change, and source positions only move forward. All writes use strong ordering ({@link
 * QdrantConsistency}).
 */
final class QdrantChunkWriter {

    /**
     * Points per upsert request. 256 points of 1536 floats are ~1.6 MB plus text, well below gRPC's and Qdrant's
     * message limits; a larger batch is split into several requests, each waited for.
     */
    static final int WRITE_BATCH = 256;

    /**
     * What a payload update reads of the stored point: its identity and title, not its text (the text is read only for
     * the points whose title changes, see {@link #updatePayload}).
     */
    private static final List<String> IDENTITY_FIELDS = List.of(ChunkPayloads.TENANT, ChunkPayloads.DOC_ID,
            ChunkPayloads.CHUNK_ID, ChunkPayloads.TITLE);
    /** What a relabel reads of a point whose title changes: its text, to rebuild the lexical vector. */
    private static final List<String> TEXT_FIELDS = List.of(ChunkPayloads.CHUNK_ID, ChunkPayloads.TEXT);

    /** What a payload update writes; identity, hash, text and write time stay as stored. */
    private static final java.util.Set<String> RELABELLED_FIELDS = java.util.Set.of(ChunkPayloads.SEQ,
            ChunkPayloads.TITLE, ChunkPayloads.VERSION, ChunkPayloads.METADATA, ChunkPayloads.META_TERMS);

    private static final Value NULL = Value.newBuilder().setNullValue(io.qdrant.client.grpc.JsonWithInt.NullValue.NULL_VALUE)
            .build();

    private final QdrantClient client;
    private final QdrantCalls calls;
    private final String alias;
    private final IndexFingerprint fingerprint;
    /** Reads back the stored document mark after a conditional mark write. */
    private final QdrantChunkReader reader;

    QdrantChunkWriter(QdrantClient client, QdrantCalls calls, String alias, IndexFingerprint fingerprint,
            QdrantChunkReader reader) {
        this.client = client;
        this.calls = calls;
        this.alias = alias;
        this.fingerprint = fingerprint;
        this.reader = reader;
    }

    /** Validates the whole batch first, so an invalid point changes nothing. Within a batch, the last point of a chunk wins. */
    void upsert(List<IndexPoint> points) {
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
                    .setVectors(LexicalVectors.pointVectors(p.vector(), p.text(),
                            dev.freshrag.index.LexicalAnalysis.label(p.payload().title(), p.docId()), reader.lexical()))
                    .putAllPayload(ChunkPayloads.of(p.tenant(), p.docId(), p.chunkId(), p.seq(), p.hash(), p.text(),
                            p.payload(), p.indexedAt()))
                    .build());
        }
        // the fence: a stored point is replaced only if it is labelled at or below the new version (one request per
        // version, as the condition is per request); a point that does not exist is inserted regardless
        Map<Long, List<PointStruct>> byVersion = new java.util.TreeMap<>();
        for (PointStruct ps : structs.values()) {
            byVersion.computeIfAbsent(ChunkPayloads.number(ps.getPayloadMap(), ChunkPayloads.VERSION),
                    v -> new ArrayList<>()).add(ps);
        }
        byVersion.forEach((version, all) -> {
            for (int from = 0; from < all.size(); from += WRITE_BATCH) {
                upsertWaiting("upsert", all.subList(from, Math.min(all.size(), from + WRITE_BATCH)), atOrBelow(version));
            }
        });
    }

    /**
     * Reads which of the named points are present and their title, page by page and without their text (a relabel of
     * a document with thousands of unchanged chunks must not pull their texts in one answer), then sets each present
     * point's new payload fields in one batch request per page. Where the title changes, the lexical vector (whose
     * label holds the title) is rebuilt from the point's text, read page by page for those points only, and replaced
     * by a vector update after the payload, fenced the same way. Set rather than overwrite, so the text stays on the
     * server: every field a relabel changes is written whole (top-level keys are replaced, so no key of an old
     * metadata object survives), and a title now absent is set to null, which reads as absent; each point still
     * changes in one step. Fenced like {@link #upsert}: a point labelled above the payload's version is left alone.
     */
    List<String> updatePayload(String tenant, String docId, DocumentPayload payload,
            Map<String, Integer> seqByChunkId) {
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

        java.util.Set<String> present = new java.util.HashSet<>();
        // the lexical terms include the title (LexicalAnalysis.label): where it changes, the lexical vector is rebuilt
        List<PointId> retitled = new ArrayList<>();
        List<PointId> ids = chunkByPoint.keySet().stream().map(PointIds::id).toList();
        for (int from = 0; from < ids.size(); from += WRITE_BATCH) {
            List<RetrievedPoint> retrieved = retrievePage("read points for a payload update", ids, from, IDENTITY_FIELDS);
            for (RetrievedPoint p : retrieved) {
                String chunkId = chunkByPoint.get(UUID.fromString(p.getId().getUuid()));
                Map<String, Value> stored = p.getPayloadMap();
                // only this tenant's document counts as present: a chunk of another document is "missing" here
                if (chunkId != null && tenant.equals(ChunkPayloads.text(stored, ChunkPayloads.TENANT))
                        && docId.equals(ChunkPayloads.text(stored, ChunkPayloads.DOC_ID))
                        && chunkId.equals(ChunkPayloads.text(stored, ChunkPayloads.CHUNK_ID))) {
                    present.add(chunkId);
                    if (reader.lexical()
                            && !Objects.equals(payload.title(), ChunkPayloads.text(stored, ChunkPayloads.TITLE))) {
                        retitled.add(p.getId());
                    }
                }
            }
        }

        List<String> missing = new ArrayList<>();
        List<PointsUpdateOperation> operations = new ArrayList<>();
        seqByChunkId.forEach((chunkId, seq) -> {
            if (!present.contains(chunkId)) {
                missing.add(chunkId);
                return;
            }
            Map<String, Value> fields = new LinkedHashMap<>(ChunkPayloads.of(tenant, docId, chunkId, seq, null, null,
                    payload, 0L));
            fields.keySet().retainAll(RELABELLED_FIELDS);
            fields.putIfAbsent(ChunkPayloads.TITLE, NULL);
            operations.add(PointsUpdateOperation.newBuilder()
                    .setSetPayload(PointsUpdateOperation.SetPayload.newBuilder()
                            .putAllPayload(fields)
                            .setPointsSelector(selector(TenantFilters.points(tenant, docId,
                                    List.of(PointIds.id(tenant, chunkId))).toBuilder()
                                    .addMust(versionAtOrBelow(payload.version())).build())))
                    .build());
        });
        // after the payload, fenced the same way: a point a newer change wrote keeps that change's terms
        String label = dev.freshrag.index.LexicalAnalysis.label(payload.title(), docId);
        for (int from = 0; from < retitled.size(); from += WRITE_BATCH) {
            List<RetrievedPoint> texts = retrievePage("read texts for a lexical update", retitled, from, TEXT_FIELDS);
            PointsUpdateOperation.UpdateVectors.Builder update = PointsUpdateOperation.UpdateVectors.newBuilder()
                    .setUpdateFilter(TenantFilters.document(tenant, docId).toBuilder()
                            .addMust(versionAtOrBelow(payload.version())).build());
            for (RetrievedPoint p : texts) {
                update.addPoints(PointVectors.newBuilder().setId(p.getId()).setVectors(LexicalVectors.lexicalOnly(
                        ChunkPayloads.text(p.getPayloadMap(), ChunkPayloads.TEXT), label)));
            }
            if (update.getPointsCount() > 0) {
                operations.add(PointsUpdateOperation.newBuilder().setUpdateVectors(update).build());
            }
        }
        for (int from = 0; from < operations.size(); from += WRITE_BATCH) {
            List<UpdateResult> results = calls.await("update payload", client.batchUpdateAsync(
                    UpdateBatchPoints.newBuilder()
                            .setCollectionName(alias)
                            .setWait(true)
                            .setOrdering(QdrantConsistency.WRITE_ORDERING)
                            .addAllOperations(operations.subList(from, Math.min(operations.size(), from + WRITE_BATCH)))
                            .build(),
                    calls.timeout()));
            results.forEach(r -> requireCompleted("update payload", r));
        }
        return missing;
    }

    /** One page ({@code WRITE_BATCH} ids from {@code from}) of points with only {@code fields}, never vectors. */
    private List<RetrievedPoint> retrievePage(String operation, List<PointId> ids, int from, List<String> fields) {
        return calls.await(operation, client.retrieveAsync(GetPoints.newBuilder()
                        .setCollectionName(alias)
                        .addAllIds(ids.subList(from, Math.min(ids.size(), from + WRITE_BATCH)))
                        .setWithPayload(include(fields))
                        .setWithVectors(noVectors())
                        .setReadConsistency(QdrantConsistency.READ_CONSISTENCY)
                        .build(),
                calls.timeout()));
    }

    void deleteDocument(String tenant, String docId) {
        checkTenant(tenant);
        checkId(docId, "docId");
        deleteWaiting("delete document", TenantFilters.document(tenant, docId));
    }

    /** The document's points labelled at or below {@code version}: a newer change's chunks stay. */
    void deleteDocument(String tenant, String docId, long version) {
        checkTenant(tenant);
        checkId(docId, "docId");
        deleteWaiting("delete document", TenantFilters.document(tenant, docId).toBuilder()
                .addMust(versionAtOrBelow(version)).build());
    }

    void deletePoints(String tenant, String docId, Collection<String> chunkIds) {
        deletePoints(tenant, docId, chunkIds, null);
    }

    /** The named points, if labelled at or below {@code version} (null: whatever their version). */
    void deletePoints(String tenant, String docId, Collection<String> chunkIds, Long version) {
        checkTenant(tenant);
        checkId(docId, "docId");
        Objects.requireNonNull(chunkIds, "chunkIds");
        List<PointId> ids = new ArrayList<>(chunkIds.size());
        for (String chunkId : chunkIds) {
            checkId(chunkId, "chunkId");
            ids.add(PointIds.id(tenant, chunkId));
        }
        for (int from = 0; from < ids.size(); from += WRITE_BATCH) {
            Filter filter = TenantFilters.points(tenant, docId, ids.subList(from, Math.min(ids.size(), from + WRITE_BATCH)));
            deleteWaiting("delete points", version == null ? filter
                    : filter.toBuilder().addMust(versionAtOrBelow(version)).build());
        }
    }

    /**
     * Records the source offsets of a lane: one point per partition ({@link PartitionOffsetPoint}), each written only
     * if it moves the stored position forward. No read, no merge, no lock: replicas committing different partitions
     * (or the same one, during a rebalance) cannot roll a partition back.
     */
    void commit(Lane lane, SourceOffsets applied) {
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(applied, "applied");
        applied.nextByPartition().forEach((partition, next) -> upsertWaiting("record source offsets",
                List.of(PartitionOffsetPoint.point(lane, partition, next, fingerprint.dimension())),
                PartitionOffsetPoint.onlyForward(next)));
    }

    /**
     * Records deferred offsets the live lane passed: per partition, the stored set with {@code passed} added and what
     * the bulk lane applied removed, on that partition's {@link Lane#LIVE_DEFERRED} point, written only if it moves the
     * highest deferred offset forward. A read before the write is safe here: one replica holds a partition's live lane at
     * a time, and a replica that lost it and writes late carries a position no higher than its successor's, so it is
     * refused (its offsets were passed, and recorded, again by the successor).
     */
    void commitDeferred(DeferredOffsets passed) {
        Objects.requireNonNull(passed, "passed");
        if (passed.isEmpty()) {
            return;
        }
        DeferredOffsets merged = reader.deferredOffsets().mergedWith(passed).prunedBelow(reader.offsets(Lane.BULK));
        SourceOffsets highest = reader.offsets(Lane.LIVE_DEFERRED).mergedWith(passed.highest());
        for (int partition : passed.byPartition().keySet()) {
            long next = highest.next(partition);
            upsertWaiting("record deferred offsets", List.of(PartitionOffsetPoint.deferredPoint(partition, next,
                    merged.encode(partition), fingerprint.dimension())), PartitionOffsetPoint.onlyForward(next));
        }
    }

    /**
     * Writes the mark point only if the stored mark does not supersede it (the {@code update_filter} is
     * {@link DocumentMarkPoint#replaceableBy}), reads back whichever mark is stored, and deletes the document's points
     * labelled below that mark's version (all of them at or below it, if it is a tombstone). When an older change was
     * written after a newer one was applied (a replica that lost its partition finishing late), its mark is refused and
     * this sweep removes the chunks it inserted; when it was written before, the newer change's own sweep does. The range
     * condition on the {@code version} payload field works whether that field is indexed or not.
     */
    void markDocument(String tenant, String docId, DocumentMark mark) {
        checkTenant(tenant);
        checkId(docId, "docId");
        Objects.requireNonNull(mark, "mark");
        upsertWaiting("record a document mark", List.of(DocumentMarkPoint.point(tenant, docId, mark, fingerprint.dimension())),
                DocumentMarkPoint.replaceableBy(mark));
        DocumentMark stored = reader.mark(tenant, docId).orElse(mark);
        Range.Builder below = stored.deleted() ? Range.newBuilder().setLte(stored.version())
                : Range.newBuilder().setLt(stored.version());
        deleteWaiting("delete older chunks", TenantFilters.document(tenant, docId).toBuilder()
                .addMust(Condition.newBuilder().setField(FieldCondition.newBuilder().setKey(ChunkPayloads.VERSION)
                        .setRange(below)))
                .build());
    }

    static Condition versionAtOrBelow(long version) {
        return Condition.newBuilder().setField(FieldCondition.newBuilder().setKey(ChunkPayloads.VERSION)
                .setRange(Range.newBuilder().setLte(version))).build();
    }

    private static Filter atOrBelow(long version) {
        return Filter.newBuilder().addMust(versionAtOrBelow(version)).build();
    }

    /** @param updateFilter the condition a stored point must meet to be replaced (new points are inserted regardless) */
    private void upsertWaiting(String operation, List<PointStruct> points, Filter updateFilter) {
        UpdateResult result = calls.await(operation, client.upsertAsync(UpsertPoints.newBuilder()
                        .setCollectionName(alias)
                        .setWait(true)
                        .setOrdering(QdrantConsistency.WRITE_ORDERING)
                        .setUpdateFilter(updateFilter)
                        .addAllPoints(points)
                        .build(),
                calls.timeout()));
        requireCompleted(operation, result);
    }

    private void deleteWaiting(String operation, Filter filter) {
        UpdateResult result = calls.await(operation, client.deleteAsync(DeletePoints.newBuilder()
                        .setCollectionName(alias)
                        .setWait(true)
                        .setOrdering(QdrantConsistency.WRITE_ORDERING)
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
            throw new IndexUnavailableException(operation + " on Qdrant collection " + alias + " answered "
                    + result.getStatus() + " instead of Completed", null);
        }
    }

    private static PointsSelector selector(Filter filter) {
        return PointsSelector.newBuilder().setFilter(filter).build();
    }
}
