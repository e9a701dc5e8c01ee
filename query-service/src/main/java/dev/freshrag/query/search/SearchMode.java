package dev.freshrag.query.search;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** Which retrieval branches a search runs: both fused by reciprocal rank, or one of them. */
public enum SearchMode {
    /** Dense and lexical, fused by reciprocal rank ({@code freshrag.search.rrf-k}). */
    HYBRID,
    /** Nearest query embedding only. */
    DENSE,
    /** BM25 over the English-analysed chunk text only; the query is not embedded. */
    LEXICAL;

    /** The name in requests and configuration: lower case. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode of a request's {@code mode}, case-insensitive; empty for a value that is none. */
    public static Optional<SearchMode> parse(String value) {
        return Arrays.stream(values()).filter(m -> m.name().equalsIgnoreCase(value)).findFirst();
    }

    /** "hybrid, dense, lexical", for error messages. */
    public static String allowed() {
        return Arrays.stream(values()).map(SearchMode::wireName).collect(Collectors.joining(", "));
    }
}
