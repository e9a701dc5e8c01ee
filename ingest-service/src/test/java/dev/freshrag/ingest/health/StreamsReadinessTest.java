package dev.freshrag.ingest.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.Test;

class StreamsReadinessTest {

    @Test
    void readyOnlyWhenRunningWithPartitions() {
        assertThat(StreamsReadiness.isReady(State.RUNNING, 3)).isTrue();
        // the restart stall: a member waiting for the old one's session sits here with nothing assigned
        assertThat(StreamsReadiness.isReady(State.REBALANCING, 0)).isFalse();
        // restoring stores after an assignment: partitions held, nothing processed yet
        assertThat(StreamsReadiness.isReady(State.REBALANCING, 3)).isFalse();
        assertThat(StreamsReadiness.isReady(State.RUNNING, 0)).isFalse();
        for (State s : new State[] {State.CREATED, State.PENDING_SHUTDOWN, State.NOT_RUNNING, State.PENDING_ERROR, State.ERROR}) {
            assertThat(StreamsReadiness.isReady(s, 3)).as(s.name()).isFalse();
        }
    }
}
