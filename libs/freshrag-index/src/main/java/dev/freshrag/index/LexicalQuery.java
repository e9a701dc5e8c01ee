package dev.freshrag.index;

import java.util.Map;
import java.util.Objects;

/**
 * A lexical (BM25) query inside one tenant: the query text is analysed like the chunks ({@link LexicalAnalysis}).
 *
 * @param filter metadata key to required value (all must match); it can only narrow the tenant's points
 */
public record LexicalQuery(String tenant, String text, int k, Map<String, String> filter) {
    public LexicalQuery {
        Objects.requireNonNull(text, "text");
        filter = filter == null ? Map.of() : Map.copyOf(filter);
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive");
        }
    }
}
