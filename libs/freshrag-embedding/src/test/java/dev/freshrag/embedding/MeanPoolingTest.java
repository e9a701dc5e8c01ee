package dev.freshrag.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MeanPoolingTest {

    private static final float EPS = 1e-6f;

    @Test
    void averagesOnlyMaskedTokensThenNormalises() {
        // tokens (3,0) and (1,4) are real: mean (2,2) -> unit (0.7071, 0.7071); the pad token (100,-50) must not count
        float[][][] hidden = {{{3, 0}, {1, 4}, {100, -50}}};
        long[][] mask = {{1, 1, 0}};

        float[][] pooled = MeanPooling.pool(hidden, mask);

        float h = (float) Math.sqrt(0.5);
        assertArrayEquals(new float[] {h, h}, pooled[0], EPS);
    }

    @Test
    void eachRowUsesItsOwnMask() {
        float[][][] hidden = {
                {{0, 2}, {0, 4}, {9, 9}},   // real: (0,2),(0,4) -> mean (0,3) -> (0,1)
                {{-6, 0}, {7, 7}, {7, 7}},  // real: (-6,0)      -> (-1,0)
        };
        long[][] mask = {{1, 1, 0}, {1, 0, 0}};

        float[][] pooled = MeanPooling.pool(hidden, mask);

        assertArrayEquals(new float[] {0, 1}, pooled[0], EPS);
        assertArrayEquals(new float[] {-1, 0}, pooled[1], EPS);
    }

    @Test
    void resultIsUnitLengthForArbitraryValues() {
        float[][][] hidden = {{{0.3f, -1.2f, 5.0f, 0.01f}, {2.0f, 0.5f, -0.7f, 3.3f}}};
        long[][] mask = {{1, 1}};

        float[] v = MeanPooling.pool(hidden, mask)[0];

        double mean0 = (0.3 + 2.0) / 2, mean1 = (-1.2 + 0.5) / 2, mean2 = (5.0 - 0.7) / 2, mean3 = (0.01 + 3.3) / 2;
        double norm = Math.sqrt(mean0 * mean0 + mean1 * mean1 + mean2 * mean2 + mean3 * mean3);
        assertArrayEquals(new float[] {(float) (mean0 / norm), (float) (mean1 / norm), (float) (mean2 / norm),
                (float) (mean3 / norm)}, v, EPS);
        double length = 0;
        for (float x : v) {
            length += x * x;
        }
        assertEquals(1.0, Math.sqrt(length), 1e-6);
    }

    @Test
    void allPaddingRowGivesZerosNotNaN() {
        float[][][] hidden = {{{1, 2}, {3, 4}}};
        long[][] mask = {{0, 0}};

        assertArrayEquals(new float[] {0, 0}, MeanPooling.pool(hidden, mask)[0]);
    }

    @Test
    void rejectsMismatchedShapes() {
        assertThrows(IllegalArgumentException.class,
                () -> MeanPooling.pool(new float[][][] {{{1}}}, new long[][] {{1}, {1}}));
        assertThrows(IllegalArgumentException.class,
                () -> MeanPooling.pool(new float[][][] {{{1}, {2}}}, new long[][] {{1}}));
    }
}
