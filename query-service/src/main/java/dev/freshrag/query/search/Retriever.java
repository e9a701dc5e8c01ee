package dev.freshrag.query.search;

import dev.freshrag.events.DocumentChangeValidator;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Violation;
import dev.freshrag.events.ReadToken;
import dev.freshrag.http.Problem;
import dev.freshrag.http.ProblemException;
import dev.freshrag.index.LexicalQuery;
import dev.freshrag.index.RankFusion;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.VectorIndexReader;
import dev.freshrag.query.generation.ServedGeneration;
import dev.freshrag.query.generation.ServingGenerations;
import dev.freshrag.query.generation.ServingSet;
import dev.freshrag.query.config.QueryConfig;
import dev.freshrag.query.consistency.ConsistencyGate;
import dev.freshrag.query.tracing.RetrievalTracing;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates a retrieval request, waits for read-your-writes if asked, then searches one tenant: the dense branch
 * (the query embedded with the documents' model, as a query: with the model's query instruction, if it has one), the lexical branch (BM25), or both fused by reciprocal rank
 * ({@link SearchMode}). Used by search and by RAG answers. A retrieval runs on one {@link ServingSet}, taken once: the
 * query vector, both branches and the read-your-writes check all belong to one generation, even across a switch.
 */
@ApplicationScoped
public class Retriever {

    /** Branch names, as in each hit's {@code ranks} and {@code scores}. */
    public static final String DENSE = "dense";
    public static final String LEXICAL = "lexical";

    private final ServingGenerations sets;
    private final QueryConfig config;
    private final RetrievalTracing tracing;

    public Retriever(ServingGenerations sets, QueryConfig config, RetrievalTracing tracing) {
        this.tracing = tracing;
        this.sets = sets;
        this.config = config;
    }

    /**
     * The outcome of a retrieval: the fused hits, best first, whether the index reflected every requested write, and
     * the generation searched.
     */
    public record Retrieval(List<RankFusion.FusedHit> fused, boolean consistent, ServedGeneration generation) {
        /** The hits, each with its fused score. */
        public List<SearchHit> hits() {
            return fused.stream().map(f -> new SearchHit(f.hit().docId(), f.hit().version(), f.hit().chunkId(),
                    f.hit().seq(), (float) f.score(), f.hit().title(), f.hit().text(), f.hit().metadata())).toList();
        }
    }

    /** The retrieval options of a request beside the query, each null when not given. */
    public record Options(Integer topK, Map<String, String> filter, String mode, Integer maxPerDocument,
                          List<String> consistentWith, Boolean requireConsistent) {
    }

    /** A retrieval on the generation served when it starts. */
    public Retrieval retrieve(String tenant, String query, String queryField, Options options) {
        try (ServingSet set = sets.acquire()) {
            return retrieve(set, tenant, query, queryField, options);
        }
    }

    /** A retrieval on {@code set} only (an answer takes the set once for its retrieval and its generator). */
    public Retrieval retrieve(ServingSet set, String tenant, String query, String queryField, Options options) {
        VectorIndexReader index = set.reader();
        Integer topK = options.topK();
        Map<String, String> filter = options.filter();
        List<String> consistentWith = options.consistentWith();
        Boolean requireConsistent = options.requireConsistent();
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
        SearchMode mode = options.mode() == null ? limits.defaultMode() : SearchMode.parse(options.mode()).orElse(null);
        if (mode == null) {
            violations.add(new Violation("mode", "must be one of " + SearchMode.allowed() + ", was '" + options.mode() + "'"));
        }
        Integer perDocument = options.maxPerDocument();
        if (perDocument != null && (perDocument < 1 || perDocument > limits.maxTopK())) {
            violations.add(new Violation("maxPerDocument", "must be between 1 and " + limits.maxTopK() + ", was " + perDocument));
        }
        if (!violations.isEmpty()) {
            throw new InvalidEventException(violations);
        }
        List<ReadToken> tokens = ConsistencyGate.parse(tenant, consistentWith, config.consistency().maxTokens());
        boolean consistent = tokens.isEmpty() || tracing.waitFor(tokens.size(),
                () -> ConsistencyGate.await(index, tokens, config.consistency().defaultWait()));
        if (!consistent && Boolean.TRUE.equals(requireConsistent)) {
            throw new ProblemException(Problem.of(503, "Service Unavailable",
                    "the index does not reflect every write in consistentWith yet; retry shortly"), Map.of("Retry-After", "1"));
        }
        // IndexUnavailableException becomes a 503 problem with Retry-After (IndexProblemMappers)
        // one branch without a per-document limit needs no more than k; fusion and the limit need deeper lists
        int depth = mode != SearchMode.HYBRID && perDocument == null ? k : Math.max(k, limits.branchCandidates());
        Map<String, List<SearchHit>> branches = new LinkedHashMap<>();
        if (mode != SearchMode.LEXICAL) {
            float[] vector = tracing.step(RetrievalTracing.EMBED_SPAN, () -> set.embedder().embedQuery(query));
            branches.put(DENSE, tracing.step(RetrievalTracing.SEARCH_SPAN,
                    () -> index.search(new SearchQuery(tenant, vector, depth, safeFilter))));
        }
        if (mode != SearchMode.DENSE) {
            branches.put(LEXICAL, tracing.step(RetrievalTracing.SEARCH_SPAN,
                    () -> index.searchLexical(new LexicalQuery(tenant, query, depth, safeFilter))));
        }
        return new Retrieval(RankFusion.fuse(branches, limits.rrfK(), k, perDocument == null ? 0 : perDocument), consistent,
                set.served());
    }
}
