package dev.freshrag.query.generation;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Follows the store's active generation: every interval it asks the {@link GenerationSource} and, when it names
 * another build than the one served, has {@link ServingGenerations} switch (model loaded and reader opened first).
 * A rollback is one more switch. A failed switch is tried again after {@code retryAfterFailure}, or at once when the
 * store names yet another generation.
 */
public final class GenerationWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(GenerationWatcher.class);

    private final GenerationSource source;
    private final ServingGenerations sets;
    private final Duration retryAfterFailure;
    private final Clock clock;
    private ScheduledExecutorService timer;

    public GenerationWatcher(GenerationSource source, ServingGenerations sets, Duration retryAfterFailure, Clock clock) {
        this.source = source;
        this.sets = sets;
        this.retryAfterFailure = retryAfterFailure;
        this.clock = clock;
    }

    /** Checks every {@code interval} on a daemon thread of its own, until {@link #close()}. */
    public synchronized GenerationWatcher start(Duration interval) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "generation-watch");
            t.setDaemon(true);
            return t;
        });
        long ms = Math.max(1, interval.toMillis());
        timer.scheduleWithFixedDelay(this::checkQuietly, ms, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * One check: whether the store names another generation than the served one, and if so the switch. Answers
     * whether a switch was made.
     */
    public boolean check() {
        Optional<ServedGeneration> active = source.active();
        if (active.isEmpty()) {
            return false;
        }
        if (active.get().sameBuild(sets.served())) {
            sets.clearFailure(); // the store went back to what is served (a rollback of a failed switch)
            return false;
        }
        ServedGeneration target = active.get();
        Optional<SwitchFailure> failure = sets.lastFailure();
        if (failure.isPresent() && failure.get().target().sameBuild(target)
                && clock.instant().isBefore(failure.get().at().plus(retryAfterFailure))) {
            return false;
        }
        return sets.switchTo(target, source::open);
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            // a pointer being replaced or Qdrant unreachable: the served set stays, the next check tries again
            LOG.warnf("generation watch: %s", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        source.close();
    }
}
