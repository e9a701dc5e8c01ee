package dev.freshrag.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SourceOffsetsTest {

    @Test
    void refusesNegativeOrMissingPositions() {
        assertThatThrownBy(() -> new SourceOffsets(Map.of(0, -1L))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 -> -1");
        assertThatThrownBy(() -> new SourceOffsets(Map.of(-1, 3L))).isInstanceOf(IllegalArgumentException.class);
        Map<Integer, Long> withNull = new HashMap<>();
        withNull.put(2, null);
        assertThatThrownBy(() -> new SourceOffsets(withNull)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SourceOffsets.applied(0, -2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mergingKeepsTheFurtherPositionOfEachPartition() {
        SourceOffsets stored = new SourceOffsets(Map.of(0, 10L, 1, 5L));
        SourceOffsets merged = stored.mergedWith(new SourceOffsets(Map.of(0, 3L, 1, 7L, 2, 1L)));
        assertThat(merged).isEqualTo(new SourceOffsets(Map.of(0, 10L, 1, 7L, 2, 1L)));
        assertThat(stored.mergedWith(SourceOffsets.NONE)).isEqualTo(stored);
        assertThat(merged.nextByPartition().keySet()).containsExactly(0, 1, 2);
    }

    @Test
    void anAppliedRecordMovesItsPartitionPastIt() {
        SourceOffsets offsets = SourceOffsets.applied(2, 99).withApplied(0, 5).withApplied(2, 40);
        assertThat(offsets.nextByPartition()).isEqualTo(Map.of(0, 6L, 2, 100L));
        assertThat(offsets.hasApplied(2, 99)).isTrue();
        assertThat(offsets.hasApplied(2, 100)).isFalse();
        assertThat(offsets.hasApplied(1, 0)).isFalse();
        assertThat(offsets.next(1)).isZero();
    }

    @Test
    void coversWhatItHasReachedInEveryPartition() {
        SourceOffsets applied = new SourceOffsets(Map.of(0, 10L, 1, 5L));
        assertThat(applied.covers(new SourceOffsets(Map.of(0, 10L)))).isTrue();
        assertThat(applied.covers(SourceOffsets.NONE)).isTrue();
        assertThat(applied.covers(new SourceOffsets(Map.of(0, 11L)))).isFalse();
        assertThat(applied.covers(new SourceOffsets(Map.of(2, 1L)))).isFalse();
        assertThat(SourceOffsets.NONE.isEmpty()).isTrue();
        assertThat(applied.isEmpty()).isFalse();
    }

    @Test
    void isUnmodifiable() {
        SourceOffsets offsets = new SourceOffsets(Map.of(0, 1L));
        assertThatThrownBy(() -> offsets.nextByPartition().put(1, 1L)).isInstanceOf(UnsupportedOperationException.class);
    }
}
