package dev.freshrag.ingest.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.http.ProblemException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.internals.StreamsMetadataImpl;
import org.junit.jupiter.api.Test;

/** When the instances' interactive-query metadata is a settled picture of kb.doc-changes, and what a scope is. */
class StateInstancesTest {

    private static final String TOPIC = "kb.doc-changes";
    private static final HostInfo A = new HostInfo("10.0.0.1", 8080);
    private static final HostInfo B = new HostInfo("10.0.0.2", 8080);

    @Test
    void twoInstancesCoveringEveryPartitionOnceAreSettled() {
        StateInstances.Assignment a = StateInstances.settled(List.of(meta(A, 0, 2), meta(B, 1, 3)), TOPIC, 4).orElseThrow();
        assertThat(a.partitionsByHost()).isEqualTo(Map.of(A, Set.of(0, 2), B, Set.of(1, 3)));
        // the partitions of other source topics (a Debezium table, kb.tenant-config) do not count
        StreamsMetadata withOther = new StreamsMetadataImpl(A, Set.of("document-state"),
                Set.of(new TopicPartition(TOPIC, 0), new TopicPartition("e2e.public.pages", 1)), Set.of(), Set.of());
        assertThat(StateInstances.settled(List.of(withOther, meta(B, 1)), TOPIC, 2)).isPresent();
    }

    @Test
    void aMissingOrDoubledPartitionIsARebalance() {
        assertThat(StateInstances.settled(List.of(meta(A, 0), meta(B, 1)), TOPIC, 3)).as("partition 2 unassigned").isEmpty();
        assertThat(StateInstances.settled(List.of(meta(A, 0, 1), meta(B, 1, 2)), TOPIC, 3)).as("partition 1 twice").isEmpty();
        assertThat(StateInstances.settled(List.of(), TOPIC, 1)).as("no metadata yet").isEmpty();
        assertThat(StateInstances.settled(List.of(meta(HostInfo.unavailable(), 0)), TOPIC, 1)).as("no address").isEmpty();
    }

    @Test
    void theSamePictureTwiceIsTheSameAssignment() {
        StateInstances.Assignment one = StateInstances.settled(List.of(meta(A, 0), meta(B, 1)), TOPIC, 2).orElseThrow();
        StateInstances.Assignment two = StateInstances.settled(List.of(meta(B, 1), meta(A, 0)), TOPIC, 2).orElseThrow();
        StateInstances.Assignment moved = StateInstances.settled(List.of(meta(A, 0, 1)), TOPIC, 2).orElseThrow();
        assertThat(StateInstances.same(one, two)).isTrue();
        assertThat(StateInstances.same(one, moved)).isFalse();
    }

    @Test
    void aRebalanceIsA503WithRetryAfter() {
        ProblemException e = StateInstances.rebalancing("this ingest-service instance is REBALANCING");
        assertThat(e.problem().status()).isEqualTo(503);
        assertThat(e.problem().detail()).contains("REBALANCING", "rebalance");
        assertThat(e.headers()).containsEntry("Retry-After", "5");
        assertThat(PeerStates.unavailable(B, "answered 503: starting").problem().status()).isEqualTo(503);
    }

    @Test
    void scopesAreAllByDefaultOrLocal() {
        assertThat(StateScope.parse(null)).contains(StateScope.ALL);
        assertThat(StateScope.parse("local")).contains(StateScope.LOCAL);
        assertThat(StateScope.parse("ALL")).contains(StateScope.ALL);
        assertThat(StateScope.parse("nearby")).isEmpty();
    }

    private static StreamsMetadata meta(HostInfo host, int... partitions) {
        Set<TopicPartition> tps = IntStream.of(partitions).mapToObj(p -> new TopicPartition(TOPIC, p)).collect(Collectors.toSet());
        return new StreamsMetadataImpl(host, Set.of("document-state"), tps, Set.of(), Set.of());
    }
}
