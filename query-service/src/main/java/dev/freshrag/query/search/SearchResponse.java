package dev.freshrag.query.search;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * @param consistent false when consistentWith was given and the index did not reflect every token in time
 * @param generation the index generation searched ({@code g<N>}): every hit comes from it, and the query was embedded
 *                   with its model
 */
public record SearchResponse(List<Hit> hits, boolean consistent,
                             @Schema(description = "the index generation searched (g<N>): every hit comes from it and the "
                                     + "query was embedded with its model")
                             String generation) {

    /**
     * @param score  the fused reciprocal-rank score: the sum over the branches that found the chunk of 1 / (k + rank)
     * @param ranks  the chunk's rank (from 1) in each branch that found it: {@code dense}, {@code lexical}
     * @param scores each of those branches' own score: cosine similarity for {@code dense}, BM25 for {@code lexical}
     */
    public record Hit(String docId, long version, String chunkId, float score, String title, String text,
                      Map<String, String> metadata,
                      @Schema(description = "rank (from 1) in each branch that found the chunk, e.g. {\"dense\": 1, \"lexical\": 4}")
                      Map<String, Integer> ranks,
                      @Schema(description = "each branch's own score: dense = cosine similarity, lexical = BM25")
                      Map<String, Float> scores) {
    }
}
