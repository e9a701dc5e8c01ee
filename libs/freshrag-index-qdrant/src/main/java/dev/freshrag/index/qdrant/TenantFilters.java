package dev.freshrag.index.qdrant;

import io.qdrant.client.grpc.Common.Condition;
import io.qdrant.client.grpc.Common.FieldCondition;
import io.qdrant.client.grpc.Common.Filter;
import io.qdrant.client.grpc.Common.HasIdCondition;
import io.qdrant.client.grpc.Common.Match;
import io.qdrant.client.grpc.Common.PointId;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every filter this adapter sends. Each one starts with the tenant condition as a {@code must} clause, so no code path
 * can reach Qdrant without it: searches, scrolls, deletes and payload updates are all built here. Caller-supplied
 * metadata only adds further {@code must} clauses on {@link ChunkPayloads#META_TERMS}, which can narrow the result but
 * never widen it.
 */
final class TenantFilters {

    private TenantFilters() {
    }

    /** All points of one tenant. */
    static Filter tenant(String tenant) {
        return Filter.newBuilder().addMust(keyword(ChunkPayloads.TENANT, tenant)).build();
    }

    /** All points of one document. */
    static Filter document(String tenant, String docId) {
        return tenant(tenant).toBuilder().addMust(keyword(ChunkPayloads.DOC_ID, docId)).build();
    }

    /**
     * The named points, but only those of this tenant's document. The document condition keeps a chunk of another
     * document untouched when its id is named by mistake. The tenant condition is redundant today (point ids are
     * derived from the tenant) and is there so that isolation never rests on how ids are made.
     */
    static Filter points(String tenant, String docId, Collection<PointId> ids) {
        return document(tenant, docId).toBuilder()
                .addMust(Condition.newBuilder().setHasId(HasIdCondition.newBuilder().addAllHasId(ids)))
                .build();
    }

    /** A search's filter: the tenant, then each metadata pair as an exact term (in key order, for stable requests). */
    static Filter search(String tenant, Map<String, String> metadata) {
        Filter.Builder filter = tenant(tenant).toBuilder();
        new TreeMap<>(metadata).forEach((key, value) ->
                filter.addMust(keyword(ChunkPayloads.META_TERMS, ChunkPayloads.metaTerm(key, value))));
        return filter.build();
    }

    static Condition keyword(String field, String value) {
        return Condition.newBuilder()
                .setField(FieldCondition.newBuilder().setKey(field).setMatch(Match.newBuilder().setKeyword(value)))
                .build();
    }
}
