package dev.freshrag.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void nearestRankPercentiles() {
        Stats s = Stats.of(4, 1, 3, 2);
        assertEquals(2, s.percentile(50));
        assertEquals(1, s.percentile(25));
        assertEquals(3, s.percentile(75));
        assertEquals(4, s.percentile(99));
        assertEquals(4, s.percentile(100));
    }

    @Test
    void p99OfAHundredSamplesIsTheNinetyNinthSmallest() {
        double[] v = new double[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i; // 100..1, unsorted on purpose
        }
        Stats s = Stats.of(v);
        assertEquals(99, s.percentile(99));
        assertEquals(95, s.percentile(95));
        assertEquals(50, s.percentile(50));
        assertEquals(100, s.max());
        assertEquals(1, s.min());
    }

    @Test
    void medianOfEvenCountIsTheMeanOfTheMiddlePair() {
        assertEquals(2.5, Stats.of(List.of(1, 2, 3, 4)).median());
        assertEquals(3, Stats.of(5, 3, 1).median());
        assertEquals(2.5, Stats.of(1, 2, 3, 4).mean());
    }

    @Test
    void emptySampleGivesNaNAndBadPercentileIsRefused() {
        assertTrue(Double.isNaN(Stats.of().percentile(50)));
        assertTrue(Double.isNaN(Stats.of().median()));
        assertThrows(IllegalArgumentException.class, () -> Stats.of(1).percentile(0));
        assertThrows(IllegalArgumentException.class, () -> Stats.of(1).percentile(101));
    }

    @Test
    void inputIsNotReordered() {
        double[] v = {3, 1, 2};
        Stats.of(v);
        assertEquals(3, v[0]);
    }
}
