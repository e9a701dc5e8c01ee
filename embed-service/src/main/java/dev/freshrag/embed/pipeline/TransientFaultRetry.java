package dev.freshrag.embed.pipeline;

import dev.freshrag.embed.metrics.EmbedMetrics;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * Repeats an index write until it succeeds, waiting longer after each failure (doubling up to a cap).
 * A failing index is a transient fault, never a reason to dead-letter: the batch stays unacknowledged on
 * the consumer's worker, the connector stops polling, and the partitions wait. Only a shutdown ends the
 * loop without success, and then the batch is replayed by whoever takes over.
 */
public final class IndexWriteRetry {

    private static final Logger LOG = Logger.getLogger(IndexWriteRetry.class);

    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final EmbedMetrics metrics;
    private final BooleanSupplier stopping;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();

    public IndexWriteRetry(Duration initialBackoff, Duration maxBackoff, EmbedMetrics metrics, BooleanSupplier stopping) {
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.metrics = metrics;
        this.stopping = stopping;
    }

    /** Failed attempts since the last success; readiness turns DOWN past a few. */
    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    public void run(Runnable write) {
        Duration backoff = initialBackoff;
        while (true) {
            try {
                write.run();
                consecutiveFailures.set(0);
                return;
            } catch (RuntimeException e) {
                int n = consecutiveFailures.incrementAndGet();
                metrics.retried();
                if (stopping.getAsBoolean()) {
                    throw e; // not acknowledged: the batch is replayed after the restart
                }
                LOG.warnf("index write failed (attempt %d), retrying in %d ms: %s", n, backoff.toMillis(), e.toString());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = backoff.multipliedBy(2);
                if (backoff.compareTo(maxBackoff) > 0) {
                    backoff = maxBackoff;
                }
            }
        }
    }
}
