package dev.freshrag.index.qdrant;

import dev.freshrag.index.Lane;
import dev.freshrag.index.SourceOffsets;
import io.qdrant.client.grpc.JsonWithInt.Value;
import io.qdrant.client.grpc.Points.RetrievedPoint;
import java.util.List;
import java.util.TreeMap;

/**
 * Read only, for upgrades: the single shared bookkeeping point in which releases before per-partition bookkeeping
 * ({@link PartitionOffsetPoint}) recorded the applied source offsets. It is still read and merged, never written: a
 * read-merge-write of one shared point loses concurrent commits of several replicas. What follows is why it was a
 * point at all, which holds for the per-partition points too.
 *
 * <p>The reserved bookkeeping point that records the applied source offsets ({@code kb.doc-changes} partition to next
 * offset) inside the collection itself.
 *
 * <p>Why a point: the offsets must live in the same store as the vectors, so that a restarted embed-service resumes
 * exactly where the index is, whatever Kafka's committed offsets say. Collection metadata would also be in the store,
 * but every metadata change goes through Qdrant's cluster consensus, which is meant for rare schema changes, not for
 * one write per batch. A point write is an ordinary, replicated, WAL-backed update.
 *
 * <p>The point carries the reserved tenant {@value QdrantVectorIndex#RESERVED_TENANT}, which the event contract's
 * tenant pattern can never produce and which this adapter refuses as a tenant. Every chunk read filters on a caller's
 * tenant, so no search, scroll or document status can ever see this point. Its vector is a unit vector along the
 * first axis because Qdrant requires one; nothing searches for it.
 */
final class SourceOffsetsPoint {

    static final String KIND = "kind";
    static final String KIND_VALUE = "freshrag-bookkeeping";
    /** The live lane's offsets (the only ones before lanes existed, so an older collection reads as all live). */
    static final String OFFSETS = "offsets";
    /** The bulk lane's offsets. */
    static final String BULK_OFFSETS = "bulkOffsets";
    /** {@link Lane#LIVE_DEFERRED}: newer than this point, so never in it; read as none. */
    static final String LIVE_DEFERRED_OFFSETS = "liveDeferredOffsets";

    private SourceOffsetsPoint() {
    }

    /** The payload field holding a lane's offsets. */
    static String field(Lane lane) {
        return switch (lane) {
            case LIVE -> OFFSETS;
            case BULK -> BULK_OFFSETS;
            case LIVE_DEFERRED -> LIVE_DEFERRED_OFFSETS;
        };
    }

    /** The offsets of a lane recorded in the retrieved bookkeeping point, or none if it does not exist yet. */
    static SourceOffsets read(List<RetrievedPoint> retrieved, Lane lane) {
        TreeMap<Integer, Long> offsets = new TreeMap<>();
        for (RetrievedPoint p : retrieved) {
            Value v = p.getPayloadMap().get(field(lane));
            if (v == null || !v.hasStructValue()) {
                continue;
            }
            v.getStructValue().getFieldsMap().forEach((partition, offset) -> {
                long value = offset.hasIntegerValue() ? offset.getIntegerValue() : (long) offset.getDoubleValue();
                offsets.put(Integer.parseInt(partition), value);
            });
        }
        return new SourceOffsets(offsets);
    }
}
