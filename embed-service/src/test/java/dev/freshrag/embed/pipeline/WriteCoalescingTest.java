package dev.freshrag.embed.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** When embedded slices wait for the next one to share a write and commit ({@code backlog-commit-interval}). */
class WriteCoalescingTest {

    private static final long MS = 1_000_000L;
    private final WriteCoalescing oneSecond = new WriteCoalescing(Duration.ofSeconds(1));

    @Test
    void aBacklogWaitsForTheNextSliceWithinTheInterval() {
        assertThat(oneSecond.hold(0, 300 * MS, true)).isTrue();
        assertThat(oneSecond.hold(0, 999 * MS, true)).isTrue();
    }

    @Test
    void aSliceWithATenantThatHasNothingMoreQueuedIsWrittenAtOnce() {
        // its record may be an edit someone waits for: it goes now, with everything held before it
        assertThat(oneSecond.hold(0, 0, false)).isFalse();
        assertThat(oneSecond.hold(0, 300 * MS, false)).isFalse();
    }

    @Test
    void whatWaitedTheIntervalIsWrittenEvenInABacklog() {
        assertThat(oneSecond.due(0, 999 * MS)).isFalse();
        assertThat(oneSecond.due(0, 1000 * MS)).isTrue();
        assertThat(oneSecond.hold(0, 1000 * MS, true)).isFalse();
        assertThat(oneSecond.hold(5_000 * MS, 6_200 * MS, true)).as("measured from the first slice held").isFalse();
    }

    @Test
    void zeroCommitsEverySliceOnItsOwn() {
        WriteCoalescing off = new WriteCoalescing(Duration.ZERO);
        assertThat(off.hold(0, 0, true)).isFalse();
        assertThat(off.due(0, 0)).isTrue();
    }
}
