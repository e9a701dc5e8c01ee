package dev.freshrag.embed.reindex;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.GenerationControl.Backfill;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A backfill through faults of its broker: the attempts here stand in for {@link DocLogBackfill}'s runs against a
 * broker that goes away (which a test cannot make the shared in-JVM broker do); each throws what the Kafka client would.
 */
class BackfillRetriesTest {

    private static final Backfill NONE = Backfill.none();

    private static Backfill progress(long redriven, boolean done) {
        return new Backfill(10, redriven, done, Map.of(0, 10L), Map.of(0, redriven), Map.of());
    }

    @Test
    void aFailedAttemptResumesFromTheRecordedProgressUntilTheBackfillEnds() {
        BackfillRetries retries = new BackfillRetries(Duration.ofMillis(10), Duration.ofMillis(40));
        AtomicReference<Backfill> recorded = new AtomicReference<>();
        List<Backfill> startedFrom = new ArrayList<>();
        Backfill end = retries.run("g2", NONE, recorded::get, () -> false, from -> {
            startedFrom.add(from);
            if (startedFrom.size() <= 3) {
                recorded.set(progress(from.redriven() + 2, false)); // got somewhere, then the broker went away
                throw new org.apache.kafka.common.errors.TimeoutException("broker unreachable (attempt " + startedFrom.size() + ")");
            }
            return progress(10, true);
        });
        assertThat(end.done()).isTrue();
        assertThat(startedFrom).extracting(Backfill::redriven).containsExactly(0L, 2L, 4L, 6L);
    }

    @Test
    void aStopDuringTheBackoffEndsAtOnceWithTheRecordedProgress() throws Exception {
        BackfillRetries retries = new BackfillRetries(Duration.ofSeconds(30), Duration.ofSeconds(30));
        AtomicBoolean stopped = new AtomicBoolean();
        AtomicReference<Backfill> result = new AtomicReference<>();
        Thread runner = new Thread(() -> result.set(retries.run("g2", NONE, () -> progress(3, false), stopped::get,
                from -> {
                    throw new org.apache.kafka.common.errors.TimeoutException("broker unreachable");
                })));
        runner.start();
        Thread.sleep(200); // in its 30 s backoff by now
        stopped.set(true);
        runner.join(5_000); // far less than the 30 s backoff
        assertThat(runner.isAlive()).as("still waiting out its backoff").isFalse();
        assertThat(result.get().redriven()).isEqualTo(3);
    }

    @Test
    void anAttemptThatReturnsIsRunOnce() {
        BackfillRetries retries = new BackfillRetries(Duration.ofMillis(10), Duration.ofMillis(40));
        List<Backfill> startedFrom = new ArrayList<>();
        Backfill end = retries.run("g2", progress(4, false), () -> null, () -> false, from -> {
            startedFrom.add(from);
            return progress(10, true);
        });
        assertThat(end.done()).isTrue();
        assertThat(startedFrom).extracting(Backfill::redriven).containsExactly(4L);
    }
}
