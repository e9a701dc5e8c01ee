package dev.freshrag.index.qdrant;

import dev.freshrag.index.DocumentMark;
import io.qdrant.client.VectorFactory;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.Vectors;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One reserved point per document holding its {@link DocumentMark}. Qdrant has no transactions, so "atomically with
 * the chunks" is had by order: the applier writes the mark after the document's chunk writes, each waited for, and a
 * crash in between replays the batch, whose writes are idempotent. Like {@link SourceOffsetsPoint} it carries the
 * reserved tenant, so no tenant's search, scroll, status or document delete ever sees it; its own id is a name-based
 * UUID over a name no chunk id can produce, read back by id. Its vector is a unit vector because Qdrant requires one.
 */
final class DocumentMarkPoint {

    static final String KIND_VALUE = "freshrag-document-mark";
    static final String MARK_TENANT = "markTenant";
    static final String MARK_DOC_ID = "markDocId";
    static final String VERSION = "markVersion";
    static final String DELETED = "markDeleted";
    static final String PARTITION = "markPartition";
    static final String OFFSET = "markOffset";
    static final List<String> FIELDS = List.of(MARK_TENANT, MARK_DOC_ID, VERSION, DELETED, PARTITION, OFFSET);

    private DocumentMarkPoint() {
    }

    static UUID id(String tenant, String docId) {
        String name = "freshrag-mark:" + tenant.length() + ":" + tenant + "/" + docId;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }

    static PointStruct point(String tenant, String docId, DocumentMark mark, int dimension) {
        float[] unit = new float[dimension];
        unit[0] = 1f;
        return PointStruct.newBuilder()
                .setId(PointIds.id(id(tenant, docId)))
                .putPayload(ChunkPayloads.TENANT, ChunkPayloads.string(QdrantVectorIndex.RESERVED_TENANT))
                .putPayload(SourceOffsetsPoint.KIND, ChunkPayloads.string(KIND_VALUE))
                .putPayload(MARK_TENANT, ChunkPayloads.string(tenant))
                .putPayload(MARK_DOC_ID, ChunkPayloads.string(docId))
                .putPayload(VERSION, ChunkPayloads.integer(mark.version()))
                .putPayload(DELETED, ChunkPayloads.integer(mark.deleted() ? 1 : 0))
                .putPayload(PARTITION, ChunkPayloads.integer(mark.sourcePartition()))
                .putPayload(OFFSET, ChunkPayloads.integer(mark.sourceOffset()))
                .setVectors(Vectors.newBuilder().setVector(VectorFactory.vector(unit)))
                .build();
    }

    /**
     * The condition a stored mark must meet to be replaced by {@code mark}: it does not supersede it
     * ({@link DocumentMark#supersedes}). In the same partition the stored offset is at or below the new one; from
     * another partition the stored version is at or below the new one. A point that does not exist is inserted anyway.
     */
    static io.qdrant.client.grpc.Common.Filter replaceableBy(DocumentMark mark) {
        var samePartition = io.qdrant.client.grpc.Common.Filter.newBuilder()
                .addMust(integer(PARTITION, mark.sourcePartition()))
                .addMust(range(OFFSET, mark.sourceOffset()));
        var otherPartition = io.qdrant.client.grpc.Common.Filter.newBuilder()
                .addMustNot(integer(PARTITION, mark.sourcePartition()))
                .addMust(range(VERSION, mark.version()));
        return io.qdrant.client.grpc.Common.Filter.newBuilder()
                .addShould(io.qdrant.client.grpc.Common.Condition.newBuilder().setFilter(samePartition))
                .addShould(io.qdrant.client.grpc.Common.Condition.newBuilder().setFilter(otherPartition))
                .build();
    }

    /** Every mark point, of every tenant, tombstones included. */
    static io.qdrant.client.grpc.Common.Filter all() {
        return TenantFilters.tenant(QdrantVectorIndex.RESERVED_TENANT).toBuilder()
                .addMust(TenantFilters.keyword(SourceOffsetsPoint.KIND, KIND_VALUE))
                .build();
    }

    /** The tenant's mark points whose change did not delete the document. */
    static io.qdrant.client.grpc.Common.Filter liveOf(String tenant) {
        return TenantFilters.tenant(QdrantVectorIndex.RESERVED_TENANT).toBuilder()
                .addMust(TenantFilters.keyword(SourceOffsetsPoint.KIND, KIND_VALUE))
                .addMust(TenantFilters.keyword(MARK_TENANT, tenant))
                .addMust(integer(DELETED, 0))
                .build();
    }

    private static io.qdrant.client.grpc.Common.Condition integer(String key, long value) {
        return io.qdrant.client.grpc.Common.Condition.newBuilder().setField(io.qdrant.client.grpc.Common.FieldCondition
                .newBuilder().setKey(key).setMatch(io.qdrant.client.grpc.Common.Match.newBuilder().setInteger(value)))
                .build();
    }

    /** {@code key <= atMost} */
    private static io.qdrant.client.grpc.Common.Condition range(String key, long atMost) {
        return io.qdrant.client.grpc.Common.Condition.newBuilder().setField(io.qdrant.client.grpc.Common.FieldCondition
                .newBuilder().setKey(key).setRange(io.qdrant.client.grpc.Common.Range.newBuilder().setLte(atMost)))
                .build();
    }

    /** The mark in the retrieved point, if it is this document's (a name collision is not trusted). */
    static Optional<DocumentMark> read(List<RetrievedPoint> retrieved, String tenant, String docId) {
        for (RetrievedPoint p : retrieved) {
            Map<String, Value> payload = p.getPayloadMap();
            if (tenant.equals(ChunkPayloads.text(payload, MARK_TENANT)) && docId.equals(ChunkPayloads.text(payload, MARK_DOC_ID))) {
                return Optional.of(new DocumentMark(ChunkPayloads.number(payload, VERSION),
                        ChunkPayloads.number(payload, DELETED) == 1, (int) ChunkPayloads.number(payload, PARTITION),
                        ChunkPayloads.number(payload, OFFSET)));
            }
        }
        return Optional.empty();
    }
}
