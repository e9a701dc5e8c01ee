package dev.freshrag.query.search;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /v1/tenants/{tenant}/search}.
 *
 * @param query             the text to search for (required)
 * @param topK              1-100 hits, default 5
 * @param filter            metadata key to required value; all must match
 * @param consistentWith    write tokens from the ingest gateway: wait until the index reflects them
 * @param requireConsistent answer 503 instead of possibly stale hits when the wait runs out
 * @param mode              {@code hybrid} (default), {@code dense} or {@code lexical}
 * @param maxPerDocument    at most this many chunks of one document among the hits (optional)
 */
public record SearchRequest(String query, Integer topK, Map<String, String> filter, List<String> consistentWith,
                            Boolean requireConsistent,
                            @Schema(enumeration = {"hybrid", "dense", "lexical"}, defaultValue = "hybrid",
                                    description = "hybrid: dense and BM25 fused by reciprocal rank; dense; lexical (BM25)")
                            String mode,
                            @Schema(minimum = "1", maximum = "100",
                                    description = "at most this many chunks of one document among the results")
                            Integer maxPerDocument) {
}
