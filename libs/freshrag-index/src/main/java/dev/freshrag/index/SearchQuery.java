package dev.freshrag.index;

import java.util.Map;

/**
 * A kNN query inside one tenant.
 *
 * @param filter metadata key to required value (all must match); it can only narrow the tenant's points
 */
public record SearchQuery(String tenant, float[] vector, int k, Map<String, String> filter) {
    public SearchQuery {
        filter = filter == null ? Map.of() : Map.copyOf(filter);
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive");
        }
    }
}
