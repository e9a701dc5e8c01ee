package dev.freshrag.query.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.events.BulkWriteToken;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.ReadToken;
import dev.freshrag.events.WriteToken;
import dev.freshrag.index.DeferredOffsets;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneWriterIndex;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Read-your-writes with two lanes, on a real Lucene index: each token form is checked against its own lane. */
class ConsistencyGateTest {

    @Test
    void bothTokenFormsParseAndOtherTenantsOrMalformedOnesAreRefused() {
        List<ReadToken> tokens = ConsistencyGate.parse("acme", List.of("v1.acme.2.41", "b1.acme.0.7.3.12"), 10);
        assertThat(tokens).containsExactly(new WriteToken("acme", 2, 41),
                new BulkWriteToken("acme", Map.of(0, 7L, 3, 12L)));
        assertThat(tokens.get(1).toString()).isEqualTo("b1.acme.0.7.3.12");
        for (String bad : List.of("b1.other.0.7", "b1.acme.0", "b1.acme", "b2.acme.0.7", "v1.acme.0.7.1.2")) {
            assertThatThrownBy(() -> ConsistencyGate.parse("acme", List.of(bad), 10)).as(bad)
                    .isInstanceOf(InvalidEventException.class);
        }
    }

    @Test
    void aTokenIsReflectedOnlyOnceItsOwnLaneAppliedIt(@TempDir Path dir) {
        try (LuceneWriterIndex index = LuceneWriterIndex.open(dir, new IndexFingerprint("m", 4), LuceneOptions.defaults())) {
            ConsistencyGate gate = new ConsistencyGate(index);
            List<ReadToken> live = ConsistencyGate.parse("acme", List.of("v1.acme.0.10"), 10);
            List<ReadToken> bulk = ConsistencyGate.parse("acme", List.of("b1.acme.0.10.1.4"), 10);

            index.commit(Lane.BULK, new SourceOffsets(Map.of(0, 11L, 1, 3L))); // bulk: partition 1 still lacks offset 4
            assertThat(gate.isReflected(live)).as("the bulk lane's progress says nothing of the live lane").isFalse();
            assertThat(gate.isReflected(bulk)).isFalse();

            index.commit(Lane.LIVE, new SourceOffsets(Map.of(0, 11L)));
            assertThat(gate.isReflected(live)).isTrue();
            assertThat(gate.await(bulk, Duration.ofMillis(50))).isFalse();

            index.commit(Lane.BULK, new SourceOffsets(Map.of(1, 5L)));
            assertThat(gate.isReflected(bulk)).isTrue();
            assertThat(gate.await(List.of(live.get(0), bulk.get(0)), Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void aDeferredLiveWriteIsNotReportedConsistentUntilTheBulkLaneAppliedIt(@TempDir Path dir) {
        try (LuceneWriterIndex index = LuceneWriterIndex.open(dir, new IndexFingerprint("m", 4), LuceneOptions.defaults())) {
            ConsistencyGate gate = new ConsistencyGate(index);
            List<ReadToken> deferredWrite = ConsistencyGate.parse("acme", List.of("v1.acme.0.10"), 10);
            List<ReadToken> laterLiveWrite = ConsistencyGate.parse("acme", List.of("v1.acme.0.12"), 10);
            List<ReadToken> otherPartition = ConsistencyGate.parse("acme", List.of("v1.acme.1.12"), 10);
            List<ReadToken> earlierLiveWrite = ConsistencyGate.parse("acme", List.of("v1.acme.0.4"), 10);

            // the live lane passed 0..13, offsets 7-8 and 10 as deferred markers: their chunks come in the bulk lane
            index.commitDeferred(DeferredOffsets.of(0, 10).mergedWith(new DeferredOffsets(Map.of(0,
                    List.of(new DeferredOffsets.Range(7, 8))))));
            index.commit(Lane.LIVE, new SourceOffsets(Map.of(0, 14L, 1, 14L)));
            index.commit(Lane.BULK, new SourceOffsets(Map.of(0, 3L)));
            assertThat(gate.isReflected(deferredWrite)).as("passed by the live lane, not yet applied").isFalse();
            assertThat(gate.isReflected(laterLiveWrite)).as("a live write above a deferred one does not wait for it").isTrue();
            assertThat(gate.isReflected(earlierLiveWrite)).isTrue();
            assertThat(gate.isReflected(otherPartition)).isTrue();

            index.commit(Lane.BULK, new SourceOffsets(Map.of(0, 9L))); // bulk applied up to 8, not yet the deferred 10
            assertThat(gate.isReflected(deferredWrite)).isFalse();
            assertThat(index.deferredOffsets().ranges(0)).as("what the bulk lane applied is dropped from the set")
                    .containsExactly(new DeferredOffsets.Range(10, 10));

            index.commit(Lane.BULK, new SourceOffsets(Map.of(0, 11L))); // the deferred event is applied
            assertThat(gate.isReflected(deferredWrite)).isTrue();
            index.commitDeferred(DeferredOffsets.of(0, 20));
        }
        // kept in the commit: a reopened index still knows what was deferred
        try (LuceneWriterIndex index = LuceneWriterIndex.open(dir, new IndexFingerprint("m", 4), LuceneOptions.defaults())) {
            assertThat(index.appliedSourceOffsets(Lane.LIVE_DEFERRED).next(0)).isEqualTo(21L);
            assertThat(index.appliedSourceOffsets(Lane.LIVE_DEFERRED).next(1)).isZero();
            assertThat(index.deferredOffsets().ranges(0)).containsExactly(new DeferredOffsets.Range(20, 20));
        }
    }

    @Test
    void anIndexThatRecordedOnlyTheHighestDeferredOffsetKeepsTheConservativeRule(@TempDir Path dir) {
        try (LuceneWriterIndex index = LuceneWriterIndex.open(dir, new IndexFingerprint("m", 4), LuceneOptions.defaults())) {
            ConsistencyGate gate = new ConsistencyGate(index);
            // the form releases before the set wrote: only one past the highest deferred offset (10)
            index.commit(Lane.LIVE_DEFERRED, new SourceOffsets(Map.of(0, 11L)));
            index.commit(Lane.LIVE, new SourceOffsets(Map.of(0, 14L)));
            index.commit(Lane.BULK, new SourceOffsets(Map.of(0, 6L)));
            assertThat(gate.isReflected(ConsistencyGate.parse("acme", List.of("v1.acme.0.5"), 10))).isTrue();
            assertThat(gate.isReflected(ConsistencyGate.parse("acme", List.of("v1.acme.0.8"), 10)))
                    .as("below the highest deferred offset, unknown whether deferred: waits for the bulk lane").isFalse();
            assertThat(gate.isReflected(ConsistencyGate.parse("acme", List.of("v1.acme.0.12"), 10)))
                    .as("above it: applied live").isTrue();
            index.commit(Lane.BULK, new SourceOffsets(Map.of(0, 11L)));
            assertThat(gate.isReflected(ConsistencyGate.parse("acme", List.of("v1.acme.0.8"), 10))).isTrue();
        }
    }

    @Test
    void aWaitingRequestBacksOffInsteadOfReadingTheIndexEveryFewMilliseconds(@TempDir Path dir) {
        try (LuceneWriterIndex index = LuceneWriterIndex.open(dir, new IndexFingerprint("m", 4), LuceneOptions.defaults())) {
            java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
            // the real index, counting how often the gate reads its positions
            dev.freshrag.index.VectorIndexHandle counting = new dev.freshrag.index.VectorIndexHandle() {
                @Override
                public IndexFingerprint fingerprint() {
                    return index.fingerprint();
                }

                @Override
                public SourceOffsets appliedSourceOffsets(Lane lane) {
                    reads.incrementAndGet();
                    return index.appliedSourceOffsets(lane);
                }

                @Override
                public DeferredOffsets deferredOffsets() {
                    reads.incrementAndGet();
                    return index.deferredOffsets();
                }

                @Override
                public boolean isHealthy() {
                    return index.isHealthy();
                }

                @Override
                public void close() {
                }
            };
            ConsistencyGate gate = new ConsistencyGate(counting);
            List<ReadToken> never = ConsistencyGate.parse("acme", List.of("v1.acme.0.10"), 10);

            long start = System.nanoTime();
            assertThat(gate.await(never, Duration.ofSeconds(1))).isFalse();
            long waitedMs = (System.nanoTime() - start) / 1_000_000;

            // 5, 10, 20, ... 200 ms: about 10 reads in a second, where a fixed 5 ms poll made about 200
            System.out.printf("consistency gate: %d index reads while waiting %d ms for a write that never came%n",
                    reads.get(), waitedMs);
            assertThat(waitedMs).isGreaterThanOrEqualTo(990); // the sleeps are cut to the deadline, in whole ms
            assertThat(reads.get()).isBetween(2, 20);

            index.commit(Lane.LIVE, new SourceOffsets(Map.of(0, 11L)));
            assertThat(gate.await(never, Duration.ofSeconds(5))).isTrue();
        }
    }
}
