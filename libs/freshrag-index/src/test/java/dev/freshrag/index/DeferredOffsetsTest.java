package dev.freshrag.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class DeferredOffsetsTest {

    private static DeferredOffsets.Range range(long first, long last) {
        return new DeferredOffsets.Range(first, last);
    }

    @Test
    void overlappingAndAdjacentRangesJoinAndTheSetAnswersMembership() {
        DeferredOffsets set = DeferredOffsets.of(0, 5).mergedWith(DeferredOffsets.of(0, 6))
                .mergedWith(new DeferredOffsets(Map.of(0, List.of(range(9, 12), range(10, 14)), 3, List.of(range(1, 1)))));

        assertThat(set.ranges(0)).containsExactly(range(5, 6), range(9, 14));
        assertThat(set.encode(0)).isEqualTo("5-6,9-14");
        assertThat(set.encode(3)).isEqualTo("1");
        assertThat(set.contains(0, 6)).isTrue();
        assertThat(set.contains(0, 7)).isFalse();
        assertThat(set.contains(0, 14)).isTrue();
        assertThat(set.contains(0, 15)).isFalse();
        assertThat(set.contains(1, 5)).isFalse();
        assertThat(set.highest()).isEqualTo(new SourceOffsets(Map.of(0, 15L, 3, 2L)));
    }

    @Test
    void pruningDropsWhatTheBulkLaneAppliedAndCutsARangeItIsInside() {
        DeferredOffsets set = new DeferredOffsets(Map.of(0, List.of(range(2, 3), range(7, 12)), 1, List.of(range(4, 4))));

        DeferredOffsets pruned = set.prunedBelow(new SourceOffsets(Map.of(0, 9L, 1, 5L)));

        assertThat(pruned.ranges(0)).containsExactly(range(9, 12));
        assertThat(pruned.ranges(1)).isEmpty();
        assertThat(pruned.byPartition()).containsOnlyKeys(0);
    }

    @Test
    void theTextFormRoundTrips() {
        DeferredOffsets set = new DeferredOffsets(Map.of(2, List.of(range(0, 0), range(3, 900_000_000_000L))));
        assertThat(DeferredOffsets.decode(set.encode(2))).isEqualTo(set.ranges(2));
        assertThat(DeferredOffsets.decode("")).isEmpty();
        assertThatThrownBy(() -> DeferredOffsets.decode("7-3")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anOlderRecordOfOnlyTheHighestReadsAsEverythingBelowIt() {
        DeferredOffsets all = DeferredOffsets.allBelow(new SourceOffsets(Map.of(0, 11L, 1, 0L)));
        assertThat(all.ranges(0)).containsExactly(range(0, 10));
        assertThat(all.ranges(1)).isEmpty();
    }

    /** Capping joins the lowest ranges: every offset put in stays in (slower, never wrong), and the count is bounded. */
    @Test
    void aCappedSetStillHoldsEveryOffsetAndKeepsTheNewestExact() {
        Random random = new Random(20261130L);
        TreeSet<Long> offsets = new TreeSet<>();
        DeferredOffsets set = DeferredOffsets.NONE;
        long offset = 0;
        for (int i = 0; i < 3 * DeferredOffsets.MAX_RANGES; i++) {
            offset += 2 + random.nextInt(3); // gaps: a live event between every two deferred ones
            offsets.add(offset);
            set = set.mergedWith(DeferredOffsets.of(0, offset));
        }

        assertThat(set.ranges(0)).hasSize(DeferredOffsets.MAX_RANGES);
        for (long o : offsets) {
            assertThat(set.contains(0, o)).as("offset %d", o).isTrue();
        }
        long newestGap = offsets.last() - 1;
        assertThat(offsets.contains(newestGap)).isFalse();
        assertThat(set.contains(0, newestGap)).as("the newest ranges stay exact").isFalse();
    }
}
