package dev.freshrag.embed.pipeline;

import java.time.Duration;

/**
 * The model's recent speed in chunks per second, from the slices it embedded (an exponentially weighted average), to
 * cut live slices by time rather than by a fixed count: a live edit waits for the slice in progress and then for its
 * own, so a slice must take a bounded time whatever the hardware. 256 chunks are a fraction of a second on a GPU and
 * about twenty seconds on two CPU cores (bench freshness, session 6: that slice was what a tenant's edit waited for
 * during another tenant's flood).
 */
final class EmbedRate {

    /** Weight of the newest slice: the rate follows a change of load within a few slices. */
    private static final double WEIGHT = 0.3;

    private double chunksPerSecond; // 0 until a slice was measured

    /** One embedding call: {@code chunks} embedded by the model in {@code elapsed}. */
    synchronized void observed(int chunks, Duration elapsed) {
        if (chunks < 1 || elapsed.isZero() || elapsed.isNegative()) {
            return;
        }
        double rate = chunks / (elapsed.toNanos() / 1e9);
        chunksPerSecond = chunksPerSecond == 0 ? rate : WEIGHT * rate + (1 - WEIGHT) * chunksPerSecond;
    }

    /** How many chunks the model embeds in {@code time} at its recent speed, within [min, max]; min while unknown. */
    synchronized int chunksIn(Duration time, int min, int max) {
        if (chunksPerSecond == 0) {
            return min;
        }
        long n = (long) Math.floor(chunksPerSecond * time.toNanos() / 1e9);
        return (int) Math.max(min, Math.min(max, n));
    }
}
