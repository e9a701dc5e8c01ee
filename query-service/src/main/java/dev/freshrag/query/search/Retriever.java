package dev.freshrag.query.search;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.events.DocumentChangeValidator;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Violation;
import dev.freshrag.events.ReadToken;
import dev.freshrag.http.Problem;
import dev.freshrag.http.ProblemException;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.VectorIndexReader;
import dev.freshrag.query.config.QueryConfig;
import dev.freshrag.query.consistency.ConsistencyGate;
import dev.freshrag.query.tracing.RetrievalTracing;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Validates a retrieval request, waits for read-your-writes if asked, embeds the query with the same
 * model as the documents and searches one tenant. Used by search and by RAG answers.
 */
@ApplicationScoped
public class Retriever {

    private final Embedder embedder;
    private final VectorIndexReader index;
    private final ConsistencyGate gate;
    private final QueryConfig config;
    private final RetrievalTracing tracing;

    public Retriever(Embedder embedder, VectorIndexReader index, ConsistencyGate gate, QueryConfig config,
                     RetrievalTracing tracing) {
        this.tracing = tracing;
        this.embedder = embedder;
        this.index = index;
        this.gate = gate;
        this.config = config;
    }

    /** The outcome of a retrieval: the hits and whether the index reflected every requested write. */
    public record Retrieval(List<SearchHit> hits, boolean consistent) {
    }

    public Retrieval retrieve(String tenant, String query, String queryField, Integer topK, Map<String, String> filter,
                              List<String> consistentWith, Boolean requireConsistent) {
        List<Violation> violations = new ArrayList<>();
        DocumentChangeValidator.validateTenant(tenant).ifPresent(violations::add);
        QueryConfig.Search limits = config.search();
        if (query == null || query.isBlank()) {
            violations.add(new Violation(queryField, "is required and must not be blank"));
        } else if (query.length() > limits.maxQueryChars()) {
            violations.add(new Violation(queryField, "is " + query.length() + " characters, above the limit of " + limits.maxQueryChars()));
        }
        int k = topK == null ? limits.defaultTopK() : topK;
        if (k < 1 || k > limits.maxTopK()) {
            violations.add(new Violation("topK", "must be between 1 and " + limits.maxTopK() + ", was " + k));
        }
        Map<String, String> safeFilter = filter == null ? Map.of() : filter;
        if (safeFilter.size() > limits.maxFilterEntries()) {
            violations.add(new Violation("filter", "has " + safeFilter.size() + " entries, above the limit of " + limits.maxFilterEntries()));
        }
        safeFilter.forEach((key, value) -> {
            if (key == null || key.isEmpty() || value == null) {
                violations.add(new Violation("filter", "keys and values must be non-empty strings"));
            }
        });
        if (!violations.isEmpty()) {
            throw new InvalidEventException(violations);
        }
        List<ReadToken> tokens = ConsistencyGate.parse(tenant, consistentWith, config.consistency().maxTokens());
        boolean consistent = tokens.isEmpty() || tracing.waitFor(tokens.size(),
                () -> gate.await(tokens, config.consistency().defaultWait()));
        if (!consistent && Boolean.TRUE.equals(requireConsistent)) {
            throw new ProblemException(Problem.of(503, "Service Unavailable",
                    "the index does not reflect every write in consistentWith yet; retry shortly"), Map.of("Retry-After", "1"));
        }
        // IndexUnavailableException becomes a 503 problem with Retry-After (IndexProblemMappers)
        float[] vector = tracing.step(RetrievalTracing.EMBED_SPAN, () -> embedder.embed(query));
        return new Retrieval(tracing.step(RetrievalTracing.SEARCH_SPAN,
                () -> index.search(new SearchQuery(tenant, vector, k, safeFilter))), consistent);
    }
}
