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
 * that is why {@link #commit} has nothing to flush and only records the source offsets ({@link SourceOffsetsPoint}).
 */
final class QdrantChunkWriter {

    /**
     * Points per upsert request. 256 points of 1536 floats are ~1.6 MB plus text, well below gRPC's and Qdrant's
     * message limits; a larger batch is split into several requests, each waited for.
     */
    static final int WRITE_BATCH = 256;

    /** What a payload update keeps of the stored point: identity, text and write time. */
    private static final List<String> KEPT_FIELDS = List.of(ChunkPayloads.TENANT, ChunkPayloads.DOC_ID,
            ChunkPayloads.CHUNK_ID, ChunkPayloads.HASH, ChunkPayloads.TEXT, ChunkPayloads.INDEXED_AT);

    private final QdrantClient client;
    private final QdrantCalls calls;
    private final String alias;
    private final IndexFingerprint fingerprint;
    /** Reads the stored offsets for the read-modify-write of {@link #commit}. */
    private final QdrantChunkReader reader;
    private final Object commitLock = new Object();

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
                    .setVectors(LexicalVectors.pointVectors(p.vector(), p.text(), reader.lexical()))
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

        Map<String, RetrievedPoint> present = new LinkedHashMap<>();
        List<PointId> ids = chunkByPoint.keySet().stream().map(PointIds::id).toList();
        List<RetrievedPoint> retrieved = calls.await("read points for a payload update", client.retrieveAsync(
                GetPoints.newBuilder()
                        .setCollectionName(alias)
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
                            .setCollectionName(alias)
                            .setWait(true)
                            .addAllOperations(operations.subList(from, Math.min(operations.size(), from + WRITE_BATCH)))
                            .build(),
                    calls.timeout()));
            results.forEach(r -> requireCompleted("update payload", r));
        }
        return missing;
    }

    void deleteDocument(String tenant, String docId) {
        checkTenant(tenant);
        checkId(docId, "docId");
        deleteWaiting("delete document", TenantFilters.document(tenant, docId));
    }

    void deletePoints(String tenant, String docId, Collection<String> chunkIds) {
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
     * Records the source offsets of a lane, merged into its stored ones; writes the bookkeeping point only when
     * something advanced, keeping the other lane's. Assumes one committing process (the embed-service): the merge is
     * a read-modify-write.
     */
    void commit(Lane lane, SourceOffsets applied) {
        Objects.requireNonNull(lane, "lane");
        Objects.requireNonNull(applied, "applied");
        synchronized (commitLock) {
            List<SourceOffsets> both = reader.offsetsOfBothLanes();
            SourceOffsets live = both.get(0);
            SourceOffsets bulk = both.get(1);
            SourceOffsets stored = lane == Lane.LIVE ? live : bulk;
            SourceOffsets merged = stored.mergedWith(applied);
            if (merged.equals(stored)) {
                return;
            }
            upsertWaiting("record source offsets", List.of(SourceOffsetsPoint.point(
                    lane == Lane.LIVE ? merged : live, lane == Lane.BULK ? merged : bulk, fingerprint.dimension())));
        }
    }

    /**
     * Deletes the document's points labelled below the mark's version (a range condition on the {@code version}
     * payload field, which Qdrant filters on whether indexed or not), then writes the mark point.
     */
    void markDocument(String tenant, String docId, DocumentMark mark) {
        checkTenant(tenant);
        checkId(docId, "docId");
        Objects.requireNonNull(mark, "mark");
        if (!mark.deleted()) {
            deleteWaiting("delete older chunks", TenantFilters.document(tenant, docId).toBuilder()
                    .addMust(Condition.newBuilder().setField(FieldCondition.newBuilder().setKey(ChunkPayloads.VERSION)
                            .setRange(Range.newBuilder().setLt(mark.version()))))
                    .build());
        }
        upsertWaiting("record a document mark", List.of(DocumentMarkPoint.point(tenant, docId, mark, fingerprint.dimension())));
    }

    private void upsertWaiting(String operation, List<PointStruct> points) {
        UpdateResult result = calls.await(operation, client.upsertAsync(UpsertPoints.newBuilder()
                        .setCollectionName(alias)
                        .setWait(true)
                        .addAllPoints(points)
                        .build(),
                calls.timeout()));
        requireCompleted(operation, result);
    }

    private void deleteWaiting(String operation, Filter filter) {
        UpdateResult result = calls.await(operation, client.deleteAsync(DeletePoints.newBuilder()
                        .setCollectionName(alias)
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
            throw new IndexUnavailableException(operation + " on Qdrant collection " + alias + " answered "
                    + result.getStatus() + " instead of Completed", null);
        }
    }

    private static PointsSelector selector(Filter filter) {
        return PointsSelector.newBuilder().setFilter(filter).build();
    }
}
