package dev.freshrag.bench;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Recall@k of an approximate search against the exact answer, and the exact answer itself. */
public final class Recall {

    private Recall() {
    }

    /**
     * Share of the exact top-k that the approximate answer found (order ignored). The approximate list may be
     * shorter than k; ids beyond its first k are not counted.
     */
    public static double atK(List<?> approximate, List<?> exact, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be positive");
        }
        Set<Object> truth = new HashSet<>(exact.subList(0, Math.min(k, exact.size())));
        if (truth.isEmpty()) {
            return 1.0;
        }
        int found = 0;
        for (Object id : approximate.subList(0, Math.min(k, approximate.size()))) {
            if (truth.contains(id)) {
                found++;
            }
        }
        return (double) found / truth.size();
    }

    /**
     * Exact top-k by dot product (cosine for unit vectors), best first; ties broken by the lower index. A
     * bounded min-heap would be faster; a partial selection over a score array is plenty for 100k x 384.
     */
    public static int[] exactTopK(float[][] vectors, float[] query, int k) {
        int n = vectors.length;
        k = Math.min(k, n);
        int[] best = new int[k];
        float[] bestScore = new float[k];
        int size = 0;
        for (int i = 0; i < n; i++) {
            float s = dot(vectors[i], query);
            if (size < k) {
                int j = size++;
                while (j > 0 && bestScore[j - 1] < s) {
                    best[j] = best[j - 1];
                    bestScore[j] = bestScore[j - 1];
                    j--;
                }
                best[j] = i;
                bestScore[j] = s;
            } else if (s > bestScore[k - 1]) {
                int j = k - 1;
                while (j > 0 && bestScore[j - 1] < s) {
                    best[j] = best[j - 1];
                    bestScore[j] = bestScore[j - 1];
                    j--;
                }
                best[j] = i;
                bestScore[j] = s;
            }
        }
        return best;
    }

    public static float dot(float[] a, float[] b) {
        float s = 0;
        for (int d = 0; d < a.length; d++) {
            s += a[d] * b[d];
        }
        return s;
    }

    /** Mean of per-query recalls. */
    public static double mean(Collection<Double> recalls) {
        return recalls.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
