package dev.freshrag.index.qdrant;

import dev.freshrag.index.DeferredOffsets;
import dev.freshrag.index.Lane;
import io.qdrant.client.VectorFactory;
import io.qdrant.client.grpc.Common.Condition;
import io.qdrant.client.grpc.Common.FieldCondition;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.Range;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import io.qdrant.client.grpc.Points.Vectors;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One bookkeeping point per (lane, {@code kb.doc-changes} partition) holding the next source offset not yet applied.
 *
 * <p>Why one point per partition, and never a read-merge-write: with several embed-service replicas, each commits the
 * positions of the partitions it holds. A shared point that each replica reads, merges and writes back loses one of
 * two concurrent commits, and a partition's position goes back; a token on a quiet partition then never reads as
 * applied. Here each commit writes only its own partitions' points, each with an {@code update_filter} that replaces
 * the stored position only when it is lower: positions only move forward, whatever the order of the writes, and no
 * write needs a read first. (A new point is inserted regardless of the filter, as Qdrant defines it.)
 *
 * <p>Like the other bookkeeping points it carries the reserved tenant, so no tenant's read ever sees it.
 */
final class PartitionOffsetPoint {

    static final String KIND_VALUE = "freshrag-source-offset";
    static final String LANE = "offsetLane";
    static final String PARTITION = "offsetPartition";
    static final String NEXT = "offsetNext";
    /**
     * On the {@link Lane#LIVE_DEFERRED} points only: the deferred offsets the bulk lane had not applied when the point
     * was written ({@link DeferredOffsets#encode}); absent on points written before the set existed.
     */
    static final String RANGES = "offsetRanges";
    static final List<String> FIELDS = List.of(LANE, PARTITION, NEXT);
    static final List<String> FIELDS_WITH_RANGES = List.of(LANE, PARTITION, NEXT, RANGES);

    private PartitionOffsetPoint() {
    }

    static UUID id(Lane lane, int partition) {
        String name = "freshrag-offset:" + lane.name() + ":" + partition;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }

    static PointStruct point(Lane lane, int partition, long next, int dimension) {
        return builder(lane, partition, next, dimension).build();
    }

    /** The {@link Lane#LIVE_DEFERRED} point of a partition: the highest deferred offset and the pending set. */
    static PointStruct deferredPoint(int partition, long next, String ranges, int dimension) {
        return builder(Lane.LIVE_DEFERRED, partition, next, dimension).putPayload(RANGES, ChunkPayloads.string(ranges)).build();
    }

    private static PointStruct.Builder builder(Lane lane, int partition, long next, int dimension) {
        float[] unit = new float[dimension];
        unit[0] = 1f;
        return PointStruct.newBuilder()
                .setId(PointIds.id(id(lane, partition)))
                .putPayload(ChunkPayloads.TENANT, ChunkPayloads.string(QdrantVectorIndex.RESERVED_TENANT))
                .putPayload(SourceOffsetsPoint.KIND, ChunkPayloads.string(KIND_VALUE))
                .putPayload(LANE, ChunkPayloads.string(lane.name()))
                .putPayload(PARTITION, ChunkPayloads.integer(partition))
                .putPayload(NEXT, ChunkPayloads.integer(next))
                .setVectors(Vectors.newBuilder().setVector(VectorFactory.vector(unit)));
    }

    /** The condition under which a stored position may be replaced: it is below {@code next}. */
    static Filter onlyForward(long next) {
        return Filter.newBuilder().addMust(Condition.newBuilder().setField(FieldCondition.newBuilder().setKey(NEXT)
                .setRange(Range.newBuilder().setLt(next)))).build();
    }

    /** Every offset point of a lane. */
    static Filter ofLane(Lane lane) {
        return TenantFilters.tenant(QdrantVectorIndex.RESERVED_TENANT).toBuilder()
                .addMust(TenantFilters.keyword(SourceOffsetsPoint.KIND, KIND_VALUE))
                .addMust(TenantFilters.keyword(LANE, lane.name()))
                .build();
    }

    /**
     * The deferred set the scrolled {@link Lane#LIVE_DEFERRED} points hold; a point without the set (written before
     * it existed) reads as every offset below its position.
     */
    static DeferredOffsets readDeferred(List<RetrievedPoint> points) {
        DeferredOffsets all = DeferredOffsets.NONE;
        for (RetrievedPoint p : points) {
            Map<String, Value> payload = p.getPayloadMap();
            int partition = (int) ChunkPayloads.number(payload, PARTITION);
            Value ranges = payload.get(RANGES);
            all = all.mergedWith(ranges != null && ranges.hasStringValue()
                    ? new DeferredOffsets(Map.of(partition, DeferredOffsets.decode(ranges.getStringValue())))
                    : DeferredOffsets.allBelow(new dev.freshrag.index.SourceOffsets(Map.of(partition, ChunkPayloads.number(payload, NEXT)))));
        }
        return all;
    }

    /** Adds the positions of the scrolled points to {@code into}, keeping the further one per partition. */
    static void read(List<RetrievedPoint> points, TreeMap<Integer, Long> into) {
        for (RetrievedPoint p : points) {
            Map<String, Value> payload = p.getPayloadMap();
            into.merge((int) ChunkPayloads.number(payload, PARTITION), ChunkPayloads.number(payload, NEXT), Math::max);
        }
    }
}
