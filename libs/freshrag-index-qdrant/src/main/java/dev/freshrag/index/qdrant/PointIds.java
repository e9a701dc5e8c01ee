package dev.freshrag.index.qdrant;

import io.qdrant.client.grpc.Common.PointId;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Qdrant point ids of chunks.
 *
 * <p>A chunk id alone is not a safe point id: the port keys a point by (tenant, chunk id), and nothing stops two
 * tenants from presenting the same chunk id (the ingest-service puts the tenant into the name of its chunk ids, but
 * the port does not require it, and the behaviour suite deliberately reuses chunk ids across tenants). Using the
 * chunk id directly would let one tenant's upsert overwrite another tenant's point. So the point id is a name-based
 * UUID over both, unambiguously delimited; it is deterministic, which keeps upserts idempotent by chunk id. The chunk
 * id itself travels in the payload.
 *
 * <p>Name-based UUIDs are version 3, so the reserved {@link #BOOKKEEPING} id (version 0) can never be produced.
 */
final class PointIds {

    /** The reserved point holding FreshRAG's bookkeeping (applied source offsets). */
    static final UUID BOOKKEEPING = UUID.fromString("00000000-0000-0000-0000-00000000f7e5");

    private PointIds() {
    }

    static UUID of(String tenant, String chunkId) {
        // length-prefixed, so ("a", "b/c") and ("a/b", "c") never share a name
        String name = "freshrag-point:" + tenant.length() + ":" + tenant + "/" + chunkId;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
    }

    static PointId id(UUID uuid) {
        return PointId.newBuilder().setUuid(uuid.toString()).build();
    }

    static PointId id(String tenant, String chunkId) {
        return id(of(tenant, chunkId));
    }
}
