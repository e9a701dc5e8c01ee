package dev.freshrag.query.answer;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of {@code POST /v1/tenants/{tenant}/answer}.
 *
 * @param question          what to answer (required)
 * @param topK              passages to retrieve, 1-100; default the tenant's topK, else freshrag.search.default-top-k
 * @param filter            metadata key to required value; all must match
 * @param consistentWith    write tokens from the ingest gateway: retrieve only once the index reflects them
 * @param requireConsistent answer 503 (Retry-After) instead of possibly stale passages when that wait runs out
 * @param stream            answer with Server-Sent Events: {@code token} events, then one {@code done} event
 * @param mode              retrieval mode: {@code hybrid} (default), {@code dense} or {@code lexical}
 * @param maxPerDocument    at most this many passages of one document (optional), so an answer can cite several
 */
public record AnswerRequest(String question, Integer topK, Map<String, String> filter, List<String> consistentWith,
                            Boolean requireConsistent, Boolean stream,
                            @Schema(enumeration = {"hybrid", "dense", "lexical"}, defaultValue = "hybrid",
                                    description = "hybrid: dense and BM25 fused by reciprocal rank; dense; lexical (BM25)")
                            String mode,
                            @Schema(minimum = "1", maximum = "100",
                                    description = "at most this many chunks of one document among the results")
                            Integer maxPerDocument) {
}
