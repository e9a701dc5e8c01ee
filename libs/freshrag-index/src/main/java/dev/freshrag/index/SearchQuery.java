package dev.freshrag.index;

import java.util.Map;

/**
 * A kNN query inside one tenant.
 *
 * @param filter metadata key to required value (all must match); it can only narrow the tenant's points
 */
public record SearchQuery(String tenant, float[] vector, int k, Map<String, String> filter) {

    /**
     * Least number of HNSW candidates every adapter explores for a search (Lucene's k, Qdrant's {@code hnsw_ef}); the
     * best k are kept. 400: at 100k chunks, recall@10 for real query vectors (query texts embedded by the model, as
     * the query-service does) was 0.897 with 100 candidates, 0.947 with 200 and 0.984 with 400 (BENCHMARKS.md,
     * search, run of issue 15); queries drawn like the indexed vectors reached 0.996 already with 100, which hid the
     * gap.
     */
    public static final int HNSW_CANDIDATES = 400;

    /** The candidates to explore for this query: {@link #HNSW_CANDIDATES}, or k if more. */
    public int candidates() {
        return Math.max(k, HNSW_CANDIDATES);
    }

    public SearchQuery {
        filter = filter == null ? Map.of() : Map.copyOf(filter);
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive");
        }
    }
}
