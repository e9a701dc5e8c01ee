package dev.freshrag.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class RecallTest {

    @Test
    void recallIsTheShareOfTheExactTopKFoundIgnoringOrder() {
        assertEquals(1.0, Recall.atK(List.of(3, 2, 1), List.of(1, 2, 3), 3));
        assertEquals(2 / 3.0, Recall.atK(List.of(1, 2, 9), List.of(1, 2, 3), 3), 1e-12);
        assertEquals(0.0, Recall.atK(List.of(7, 8, 9), List.of(1, 2, 3), 3));
    }

    @Test
    void onlyTheFirstKOfEachListCount() {
        // the approximate answer's 4th hit is in the truth, but beyond k
        assertEquals(0.5, Recall.atK(List.of(1, 9, 8, 2), List.of(1, 2, 3, 4), 2));
        // a short approximate answer counts as misses
        assertEquals(0.5, Recall.atK(List.of(1), List.of(1, 2), 2));
    }

    @Test
    void exactTopKMatchesASortOfAllScores() {
        Random random = new Random(1);
        float[][] vectors = new float[500][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = SearchBench.normalize(randomVector(random, 16));
        }
        float[] query = SearchBench.normalize(randomVector(random, 16));

        int[] top = Recall.exactTopK(vectors, query, 10);

        int[] expected = IntStream.range(0, vectors.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -Recall.dot(vectors[i], query)))
                .limit(10).mapToInt(Integer::intValue).toArray();
        assertArrayEquals(expected, top);
    }

    @Test
    void exactTopKOfFewerVectorsThanKReturnsAllBestFirst() {
        float[][] vectors = {{1, 0}, {0, 1}, {0.6f, 0.8f}};
        assertArrayEquals(new int[] {0, 2, 1}, Recall.exactTopK(vectors, new float[] {1, 0}, 10));
    }

    @Test
    void syntheticVectorsAreUnitLengthAndDeterministic() {
        float[][] centres = SearchBench.randomCentres(5, SearchBench.DIMENSION, 3);
        float[][] a = SearchBench.vectors(50, centres, 0.05, 11);
        float[][] b = SearchBench.vectors(50, centres, 0.05, 11);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i]);
            assertEquals(1.0, Math.sqrt(Recall.dot(a[i], a[i])), 1e-5);
        }
        assertEquals(SearchBench.DIMENSION, a[0].length);
        assertEquals(false, Arrays.equals(a[0], SearchBench.vectors(50, centres, 0.05, 99)[0]));
        // each point stays near its centre: cosine about 1 / sqrt(1 + noise^2 * dimension)
        double expected = 1 / Math.sqrt(1 + 0.05 * 0.05 * SearchBench.DIMENSION);
        for (float[] v : a) {
            double best = 0;
            for (float[] c : centres) {
                best = Math.max(best, Recall.dot(v, c));
            }
            assertEquals(expected, best, 0.08);
        }
    }

    private static float[] randomVector(Random random, int dimension) {
        float[] v = new float[dimension];
        for (int d = 0; d < dimension; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }
}
