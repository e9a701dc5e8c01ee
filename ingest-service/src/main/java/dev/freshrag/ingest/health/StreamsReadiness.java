package dev.freshrag.ingest.health;

import dev.freshrag.ingest.config.IngestConfig;
import dev.freshrag.ingest.config.StreamsInstanceIdConfigSourceFactory;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only when the topology can process a write now: Kafka Streams is RUNNING and this process holds
 * partitions of kb.doc-changes. The extension's own checks are not enough: its readiness check only looks for
 * the topics, and its liveness check accepts REBALANCING, the state a restarted client sits in while the group
 * waits for the previous member's session to expire. A process with no partition (more replicas than
 * partitions) processes nothing and is reported not ready: keep replicas at or below the partition count.
 */
@Readiness
@ApplicationScoped
public class StreamsReadiness implements HealthCheck {

    static final String NAME = "kafka-streams-assignment";

    private final KafkaStreams streams;
    private final String sourceTopic;
    private final String membership;
    private final Optional<String> instanceId;

    public StreamsReadiness(KafkaStreams streams, IngestConfig config, Config raw) {
        this.streams = streams;
        this.sourceTopic = config.topics().docChanges();
        this.membership = config.streams().membership().name().toLowerCase(java.util.Locale.ROOT);
        // what Streams was really given (an explicit kafka-streams.* setting wins over the derived one)
        this.instanceId = raw.getOptionalValue(StreamsInstanceIdConfigSourceFactory.GROUP_INSTANCE_ID_KEY, String.class);
    }

    @Override
    public HealthCheckResponse call() {
        KafkaStreams.State state = streams.state();
        int partitions = assignedPartitions(streams, sourceTopic);
        return HealthCheckResponse.named(NAME)
                .status(isReady(state, partitions))
                .withData("state", state.name())
                .withData("assignedPartitions", partitions)
                .withData("membership", membership)
                .withData("groupInstanceId", instanceId.orElse("none"))
                .build();
    }

    /** RUNNING (assignment received, stores restored, tasks running) and at least one input partition. */
    static boolean isReady(KafkaStreams.State state, int assignedPartitions) {
        return state == KafkaStreams.State.RUNNING && assignedPartitions > 0;
    }

    /** Partitions of {@code topic} held by this process's active tasks; 0 while there is no assignment. */
    public static int assignedPartitions(KafkaStreams streams, String topic) {
        try {
            int n = 0;
            for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
                n += (int) thread.activeTasks().stream().flatMap(t -> t.topicPartitions().stream())
                        .filter(tp -> tp.topic().equals(topic)).count();
            }
            return n;
        } catch (RuntimeException e) {
            // metadata of threads that are being replaced or closed: no usable assignment right now
            return 0;
        }
    }
}
