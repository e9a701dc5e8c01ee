package dev.freshrag.embed.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EmbedRateTest {

    private static final Duration HALF_SECOND = Duration.ofMillis(500);

    @Test
    void untilAModelCallWasMeasuredSlicesAreAsSmallAsAllowed() {
        assertThat(new EmbedRate().chunksIn(HALF_SECOND, 4, 256)).isEqualTo(4);
    }

    @Test
    void aSliceHoldsWhatTheModelEmbedsInTheTimeWithinTheBounds() {
        EmbedRate cpu = new EmbedRate();
        cpu.observed(256, Duration.ofSeconds(20)); // 12.8 chunks/s: two CPU cores
        assertThat(cpu.chunksIn(HALF_SECOND, 4, 256)).isEqualTo(6);
        assertThat(cpu.chunksIn(Duration.ofMillis(100), 4, 256)).isEqualTo(4);

        EmbedRate gpu = new EmbedRate();
        gpu.observed(256, Duration.ofMillis(100)); // 2560 chunks/s
        assertThat(gpu.chunksIn(HALF_SECOND, 4, 256)).isEqualTo(256);
    }

    @Test
    void theRateFollowsAChangeOfLoadWithinAFewSlices() {
        EmbedRate rate = new EmbedRate();
        rate.observed(100, Duration.ofSeconds(1)); // 100/s
        for (int i = 0; i < 10; i++) {
            rate.observed(10, Duration.ofSeconds(1)); // the machine got busy: 10/s
        }
        assertThat(rate.chunksIn(Duration.ofSeconds(1), 1, 1000)).isBetween(10, 13);
        rate.observed(0, Duration.ofSeconds(5)); // nothing embedded (every text from the cache): no evidence
        rate.observed(5, Duration.ZERO);
        assertThat(rate.chunksIn(Duration.ofSeconds(1), 1, 1000)).isBetween(10, 13);
    }
}
