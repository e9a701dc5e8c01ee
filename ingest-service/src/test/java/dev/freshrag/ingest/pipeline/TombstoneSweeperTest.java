package dev.freshrag.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The opt-in tombstone expiry: bounded work per call, resuming where the previous call stopped. */
class TombstoneSweeperTest {

    private static final Instant NOW = Instant.parse("2026-11-30T00:00:00Z");
    private static final long OLD = NOW.minus(Duration.ofDays(30)).toEpochMilli();
    private static final long FRESH = NOW.minus(Duration.ofDays(1)).toEpochMilli();

    private KeyValueStore<String, DocumentState> store;

    @BeforeEach
    void openStore() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("states"), Serdes.String(), JsonSerde.of(DocumentState.class))
                .withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void eachCallVisitsABoundedSliceAndAPassReachesEveryTombstone() {
        List<String> expiring = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String key = String.format("acme/doc-%02d", i);
            switch (i % 3) {
                case 0 -> {
                    store.put(key, DocumentState.tombstone(i, true, OLD));
                    expiring.add(key);
                }
                case 1 -> store.put(key, DocumentState.tombstone(i, true, FRESH));
                default -> store.put(key, DocumentState.live(i, false, OLD, List.of()));
            }
        }
        TombstoneSweeper sweeper = new TombstoneSweeper(store, Duration.ofDays(7), Clock.fixed(NOW, ZoneOffset.UTC), 4);

        int first = sweeper.sweep();
        // the first four keys (doc-00..03) hold two expired tombstones; nothing past them was touched
        assertThat(first).isEqualTo(2);
        assertThat(store.get("acme/doc-06")).isNotNull();

        int total = first;
        for (int call = 1; call < 7; call++) { // 25 states, 4 a call: 7 calls make one pass
            int removed = sweeper.sweep();
            assertThat(removed).isLessThanOrEqualTo(4);
            total += removed;
        }
        assertThat(total).isEqualTo(expiring.size());
        expiring.forEach(key -> assertThat(store.get(key)).as(key).isNull());
        assertThat(count()).isEqualTo(25 - expiring.size());

        // the next pass starts over and finds nothing more to expire
        for (int call = 0; call < 7; call++) {
            assertThat(sweeper.sweep()).isZero();
        }
    }

    @Test
    void liveDocumentsAndRecentTombstonesAreKept() {
        store.put("acme/live", DocumentState.live(3, false, OLD, List.of()));
        store.put("acme/recent", DocumentState.tombstone(3, true, FRESH));
        TombstoneSweeper sweeper = new TombstoneSweeper(store, Duration.ofDays(7), Clock.fixed(NOW, ZoneOffset.UTC), 100);
        assertThat(sweeper.sweep()).isZero();
        assertThat(count()).isEqualTo(2);
    }

    @Test
    void theIntervalFollowsTheRetentionWithinBounds() {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        assertThat(new TombstoneSweeper(store, Duration.ofDays(7), clock, 1).interval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(new TombstoneSweeper(store, Duration.ofSeconds(10), clock, 1).interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(new TombstoneSweeper(store, Duration.ofMinutes(50), clock, 1).interval()).isEqualTo(Duration.ofSeconds(30));
    }

    private int count() {
        int n = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }
}
