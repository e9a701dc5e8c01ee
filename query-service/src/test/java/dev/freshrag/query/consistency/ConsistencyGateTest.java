package dev.freshrag.query.consistency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.freshrag.events.BulkWriteToken;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.ReadToken;
import dev.freshrag.events.WriteToken;
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
}
