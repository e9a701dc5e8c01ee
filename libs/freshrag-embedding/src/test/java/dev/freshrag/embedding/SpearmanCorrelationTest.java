package dev.freshrag.embedding;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SpearmanCorrelationTest {

    @Test
    void tiesShareTheirAverageRank() {
        assertArrayEquals(new double[] {1, 2.5, 4, 2.5}, SpearmanCorrelation.ranks(new double[] {0.1, 5, 9, 5}));
        assertArrayEquals(new double[] {2, 2, 2}, SpearmanCorrelation.ranks(new double[] {7, 7, 7}));
    }

    @Test
    void monotoneButNonLinearIsPerfect() {
        assertEquals(1.0, SpearmanCorrelation.of(new double[] {1, 2, 3, 4}, new double[] {1, 8, 27, 1000}), 1e-12);
        assertEquals(-1.0, SpearmanCorrelation.of(new double[] {1, 2, 3, 4}, new double[] {9, 4, 1, 0}), 1e-12);
    }

    @Test
    void matchesAHandComputedValueWithTies() {
        // x ranks 1,2,3,4,5; y = {1, 3, 2, 5, 5} ranks 1,3,2,4.5,4.5
        // Pearson of ranks: mean 3 both; cov = (-2)(-2)+(-1)(0)+(0)(-1)+(1)(1.5)+(2)(1.5) = 8.5
        // var x = 10, var y = 4+0+1+2.25+2.25 = 9.5 -> 8.5 / sqrt(95)
        double expected = 8.5 / Math.sqrt(95);
        assertEquals(expected, SpearmanCorrelation.of(new double[] {1, 2, 3, 4, 5}, new double[] {1, 3, 2, 5, 5}),
                1e-12);
    }
}
