package dev.freshrag.index.qdrant;

import io.qdrant.client.grpc.Points.ReadConsistency;
import io.qdrant.client.grpc.Points.ReadConsistencyType;
import io.qdrant.client.grpc.Points.WriteOrdering;
import io.qdrant.client.grpc.Points.WriteOrderingType;

/**
 * The ordering and consistency every call of this adapter asks for. Fixed, not configurable: FreshRAG's guarantees
 * (version-conditional writes, "a satisfied token reads the write") rest on them, and on one replica they cost nothing.
 *
 * <ul>
 *   <li>Writes: {@code ordering: strong}. Every write of a shard goes through its permanent leader, which applies them
 *       in one order and evaluates each upsert's {@code update_filter} there; a delete followed by an upsert of the
 *       same document can then not apply in the other order on a replica, not even while the leader changes ({@code
 *       medium} allows that window). The price: while the leader is down, writes fail and the embed-service retries
 *       them with backoff (partitions paused), which it does for any outage anyway.</li>
 *   <li>Reads: {@code read_consistency: majority}. A read asks every replica and returns what a majority holds, so a
 *       read after a satisfied read-your-writes token (offsets, then the search) never answers from one lagging
 *       replica alone. With replication factor 1 it is the same as the default; with 2 a read waits for both.</li>
 * </ul>
 */
final class QdrantConsistency {

    static final WriteOrdering WRITE_ORDERING = WriteOrdering.newBuilder().setType(WriteOrderingType.Strong).build();

    static final ReadConsistency READ_CONSISTENCY = ReadConsistency.newBuilder()
            .setType(ReadConsistencyType.Majority).build();

    /**
     * The largest answer the client accepts. gRPC's default of 4 MiB is too small for a search of k=100 hits carrying
     * texts of up to 256 tokens each with some metadata; reads of many points never carry text (they are paged). An
     * answer larger than this is a bug in how a read is cut ({@link dev.freshrag.index.IndexRequestTooLargeException}).
     */
    static final int MAX_INBOUND_MESSAGE_BYTES = 64 * 1024 * 1024;

    private QdrantConsistency() {
    }
}
