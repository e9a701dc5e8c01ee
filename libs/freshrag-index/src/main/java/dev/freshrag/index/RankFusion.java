package dev.freshrag.index;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reciprocal rank fusion of ranked branches (dense, lexical): a chunk's fused score is
 * {@code sum over branches of 1 / (k + rank)}, rank counted from 1, so only positions count and a cosine and a BM25
 * score never need to be made comparable. A chunk is identified by tenant-local {@code docId} and {@code chunkId}.
 */
public final class RankFusion {

    /** The k of the original paper (Cormack et al., 2009): it damps the weight of the very first ranks. */
    public static final int DEFAULT_K = 60;

    private RankFusion() {
    }

    /**
     * A fused hit: the chunk as a branch returned it (the first branch that did), its fused score, and its rank and
     * the branch's own score (cosine, BM25) in each branch that found it (absent where a branch did not).
     */
    public record FusedHit(SearchHit hit, double score, Map<String, Integer> ranks, Map<String, Float> scores) {
        public FusedHit {
            ranks = Map.copyOf(ranks);
            scores = Map.copyOf(scores);
        }
    }

    /**
     * Fuses the branches, best first, ties broken by the branch order, then each branch's order.
     *
     * @param branches       name to ranked hits, in priority order (e.g. a {@link LinkedHashMap}: dense, lexical)
     * @param k              RRF's k, at least 1
     * @param limit          most hits returned
     * @param maxPerDocument most hits of one document kept, or 0 for no limit; later ones make room for others
     */
    public static List<FusedHit> fuse(Map<String, List<SearchHit>> branches, int k, int limit, int maxPerDocument) {
        if (k < 1 || limit < 1 || maxPerDocument < 0) {
            throw new IllegalArgumentException("k and limit must be positive, maxPerDocument not negative");
        }
        record Acc(SearchHit hit, int order, double[] score, Map<String, Integer> ranks, Map<String, Float> scores) {
        }
        Map<List<String>, Acc> byChunk = new LinkedHashMap<>();
        int order = 0;
        for (Map.Entry<String, List<SearchHit>> branch : branches.entrySet()) {
            int rank = 0;
            for (SearchHit h : branch.getValue()) {
                rank++;
                List<String> key = List.of(h.docId(), h.chunkId());
                Acc acc = byChunk.get(key);
                if (acc == null) {
                    acc = new Acc(h, order++, new double[1], new LinkedHashMap<>(), new LinkedHashMap<>());
                    byChunk.put(key, acc);
                }
                if (!acc.ranks().containsKey(branch.getKey())) { // a branch lists a chunk once; keep its best rank
                    acc.ranks().put(branch.getKey(), rank);
                    acc.scores().put(branch.getKey(), h.score());
                    acc.score()[0] += 1.0 / (k + rank);
                }
            }
        }
        List<Acc> all = new ArrayList<>(byChunk.values());
        all.sort(Comparator.comparingDouble((Acc a) -> -a.score()[0]).thenComparingInt(Acc::order));
        List<FusedHit> fused = new ArrayList<>(Math.min(limit, all.size()));
        Map<String, Integer> perDocument = new HashMap<>();
        for (Acc a : all) {
            if (fused.size() == limit) {
                break;
            }
            if (maxPerDocument > 0 && perDocument.merge(a.hit().docId(), 1, Integer::sum) > maxPerDocument) {
                continue;
            }
            fused.add(new FusedHit(a.hit(), a.score()[0], a.ranks(), a.scores()));
        }
        return fused;
    }
}
