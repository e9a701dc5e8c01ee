package dev.freshrag.embed.pipeline;

import dev.freshrag.embed.metrics.EmbedMetrics;
import dev.freshrag.embedding.EmbeddingRejectedException;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Repeats a step of a batch (embedding it, writing it to the index) until it succeeds, waiting longer after each
 * failure (doubling up to a cap). A failing model or index is a transient fault, never a reason to dead-letter: the
 * batch stays unacknowledged on the consumer's worker, the connector stops polling, and the partitions wait. Only a
 * shutdown ends the loop without success, and then the batch is replayed by whoever takes over. The one exception
 * passed straight through is {@link EmbeddingRejectedException}: an embedding server refused the texts themselves,
 * which no retry changes.
 *
 * <p>Failures are counted per {@link Stage} (an {@link EmbeddingFailedException} is the model's, anything else the
 * index's) so that readiness can say which one is down; a success resets both.
 */
public final class TransientFaultRetry {

    private static final Logger LOG = Logger.getLogger(TransientFaultRetry.class);

    /** Where a failure came from. */
    public enum Stage {
        MODEL,
        INDEX
    }

    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final EmbedMetrics metrics;
    private final BooleanSupplier stopping;
    private final Map<Stage, AtomicInteger> consecutive = new EnumMap<>(Stage.class);
    private final AtomicReference<String> lastError = new AtomicReference<>();

    public TransientFaultRetry(Duration initialBackoff, Duration maxBackoff, EmbedMetrics metrics, BooleanSupplier stopping) {
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.metrics = metrics;
        this.stopping = stopping;
        for (Stage s : Stage.values()) {
            consecutive.put(s, new AtomicInteger());
        }
    }

    /** Failed attempts of any stage since the last success. */
    public int consecutiveFailures() {
        return consecutiveFailures(Stage.MODEL) + consecutiveFailures(Stage.INDEX);
    }

    /** Failed attempts of one stage since the last success; readiness turns DOWN past a few. */
    public int consecutiveFailures(Stage stage) {
        return consecutive.get(stage).get();
    }

    /** The last failure while it lasts (null after a success), for health data and logs. */
    public String lastError() {
        return lastError.get();
    }

    public void run(Runnable step) {
        call(() -> {
            step.run();
            return null;
        });
    }

    public <T> T call(Supplier<T> step) {
        Duration backoff = initialBackoff;
        while (true) {
            try {
                T result = step.get();
                consecutive.values().forEach(c -> c.set(0));
                lastError.set(null);
                return result;
            } catch (EmbeddingRejectedException e) {
                throw e; // deterministic: the same texts are rejected again; the caller dead-letters their record
            } catch (dev.freshrag.index.IndexRequestTooLargeException e) {
                // a request or answer over a message limit fails the same way every time: a bug to surface, not an outage
                lastError.set(Stage.INDEX + ": " + e);
                LOG.errorf("index call over a message size limit; not retried, the batch stays unacknowledged: %s", e);
                throw e;
            } catch (RuntimeException e) {
                Stage stage = e instanceof EmbeddingFailedException ? Stage.MODEL : Stage.INDEX;
                int n = consecutive.get(stage).incrementAndGet();
                lastError.set(stage + ": " + e);
                if (stage == Stage.MODEL) {
                    metrics.modelRetried();
                } else {
                    metrics.retried();
                }
                if (stopping.getAsBoolean()) {
                    throw e; // not acknowledged: the batch is replayed after the restart
                }
                LOG.warnf("%s failed (attempt %d), retrying in %d ms: %s", stage == Stage.MODEL ? "embedding" : "index write",
                        n, backoff.toMillis(), e.toString());
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
