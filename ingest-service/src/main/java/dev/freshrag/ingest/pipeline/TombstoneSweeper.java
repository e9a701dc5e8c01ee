package dev.freshrag.ingest.pipeline;

import java.time.Clock;
import java.time.Duration;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The opt-in tombstone retention ({@code freshrag.tombstone-retention}): forgets deleted documents whose
 * tombstone is older than the retention. Off by default, because a forgotten tombstone lets a late or
 * replayed older UPSERT bring the document back.
 *
 * <p>It runs in a punctuation on the stream thread, inside the exactly-once transaction, so one call
 * visits at most {@code maxStatesPerSweep} states and the next call resumes after the last key it saw; a
 * full pass over a large store is spread over many short calls instead of one that could outlast the
 * transaction timeout. The resume point lives in memory: after a restart or a rebalance a pass starts
 * from the beginning again, which only delays expiry.
 */
final class TombstoneSweeper {

    /** Sized so one call takes milliseconds on RocksDB; at one call a minute that is 14.4M states a day. */
    static final int DEFAULT_MAX_STATES_PER_SWEEP = 10_000;

    private final KeyValueStore<String, DocumentState> store;
    private final Duration retention;
    private final Clock clock;
    private final int maxStatesPerSweep;
    /** Last key visited by the previous call; null: the next call starts at the first key. */
    private String resumeAfter;

    TombstoneSweeper(KeyValueStore<String, DocumentState> store, Duration retention, Clock clock, int maxStatesPerSweep) {
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("freshrag.tombstone-retention must be positive, was " + retention);
        }
        this.store = store;
        this.retention = retention;
        this.clock = clock;
        this.maxStatesPerSweep = maxStatesPerSweep;
    }

    /** How often to sweep: a hundredth of the retention, between 1 s and 1 min, so a pass keeps up with it. */
    Duration interval() {
        Duration every = retention.dividedBy(100);
        if (every.compareTo(Duration.ofMinutes(1)) > 0) {
            return Duration.ofMinutes(1);
        }
        return every.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : every;
    }

    /** One bounded step of a pass; answers how many tombstones it removed. */
    int sweep() {
        long cutoff = clock.millis() - retention.toMillis();
        int visited = 0;
        int expired = 0;
        String last = resumeAfter;
        // range(from, null) runs to the end of the store; "from" is inclusive, hence the equality skip
        try (KeyValueIterator<String, DocumentState> it = store.range(resumeAfter, null)) {
            while (visited < maxStatesPerSweep && it.hasNext()) {
                KeyValue<String, DocumentState> kv = it.next();
                if (kv.key.equals(resumeAfter)) {
                    continue;
                }
                visited++;
                last = kv.key;
                if (kv.value.deleted() && kv.value.updatedAt() < cutoff) {
                    store.delete(kv.key);
                    expired++;
                }
            }
            resumeAfter = it.hasNext() ? last : null;
        }
        return expired;
    }
}
