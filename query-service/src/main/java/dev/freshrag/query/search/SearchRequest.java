package dev.freshrag.query.search;

import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /v1/tenants/{tenant}/search}.
 *
 * @param query             the text to search for (required)
 * @param topK              1-100 hits, default 5
 * @param filter            metadata key to required value; all must match
 * @param consistentWith    write tokens from the ingest gateway: wait until the index reflects them
 * @param requireConsistent answer 503 instead of possibly stale hits when the wait runs out
 */
public record SearchRequest(String query, Integer topK, Map<String, String> filter, List<String> consistentWith,
                            Boolean requireConsistent) {
}
