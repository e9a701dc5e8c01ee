package dev.freshrag.embed.reindex;

import dev.freshrag.events.GenerationControl;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs a backfill to its end through faults of the broker it reads and writes: an attempt that throws (the broker gone,
 * a request timed out) is tried again after a backoff that doubles up to a bound, from the progress recorded last, until
 * it ends or is told to stop. Without this a backfill stopped by a broker outage stayed stopped (its generation never
 * caught up) until the embed-service restarted. Re-driving a document twice after a fault is harmless: the ingest's
 * version guard and the index's idempotent writes make the second one a no-op.
 */
final class BackfillRetries {

    private static final Logger LOG = Logger.getLogger(BackfillRetries.class);
    /** How often a backoff looks at the stop flag: a stop (switch, abort, lease lost, shutdown) is not held up by it. */
    private static final long STOP_CHECK_MS = 50;

    /** One attempt from a recorded state; throws on a fault of a dependency. */
    interface Attempt {
        GenerationControl.Backfill run(GenerationControl.Backfill from);
    }

    private final Duration firstBackoff;
    private final Duration maxBackoff;

    BackfillRetries(Duration firstBackoff, Duration maxBackoff) {
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
    }

    /**
     * Runs {@code attempt} from {@code from}, and after a fault from {@code lastRecorded} (the progress the backfill
     * recorded last; {@code from} when it recorded none), until an attempt returns or {@code stopped} says so.
     *
     * @return the final state of the attempt that returned, or the last recorded one when stopped during a backoff
     */
    GenerationControl.Backfill run(String generation, GenerationControl.Backfill from,
                                   Supplier<GenerationControl.Backfill> lastRecorded, BooleanSupplier stopped,
                                   Attempt attempt) {
        GenerationControl.Backfill resumeFrom = from;
        long backoffMs = Math.max(1, firstBackoff.toMillis());
        for (int failures = 1; ; failures++) {
            try {
                return attempt.run(resumeFrom);
            } catch (RuntimeException e) {
                if (stopped.getAsBoolean()) {
                    return recordedOr(lastRecorded, resumeFrom);
                }
                LOG.errorf("the backfill of %s failed (%d in a row): %s; it resumes from its recorded progress in %d ms",
                        generation, failures, e.toString(), backoffMs);
                if (!sleepUnlessStopped(backoffMs, stopped)) {
                    return recordedOr(lastRecorded, resumeFrom);
                }
                backoffMs = Math.min(backoffMs * 2, Math.max(backoffMs, maxBackoff.toMillis()));
                resumeFrom = recordedOr(lastRecorded, resumeFrom);
            }
        }
    }

    private static GenerationControl.Backfill recordedOr(Supplier<GenerationControl.Backfill> lastRecorded,
                                                         GenerationControl.Backfill otherwise) {
        GenerationControl.Backfill recorded = lastRecorded.get();
        return recorded != null ? recorded : otherwise;
    }

    /** @return false when {@code stopped} said so (or the thread was interrupted) before the time was up */
    private static boolean sleepUnlessStopped(long ms, BooleanSupplier stopped) {
        long deadline = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (stopped.getAsBoolean()) {
                return false;
            }
            try {
                Thread.sleep(Math.min(STOP_CHECK_MS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return !stopped.getAsBoolean();
    }
}
