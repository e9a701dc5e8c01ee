package dev.freshrag.index;

import java.util.Map;

/** A chunk found by a search, with its score: the cosine similarity of a dense search, BM25 of a lexical one (higher is closer). */
public record SearchHit(
        String docId,
        long version,
        String chunkId,
        int seq,
        float score,
        String title,
        String text,
        Map<String, String> metadata) {
}
