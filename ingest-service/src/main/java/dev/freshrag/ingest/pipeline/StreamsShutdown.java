package dev.freshrag.ingest.pipeline;

import dev.freshrag.ingest.config.GroupMembership;
import dev.freshrag.ingest.config.IngestConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;
import org.jboss.logging.Logger;

/**
 * With dynamic membership, closes Kafka Streams with leave-group before the extension closes it without: a plain
 * {@code close()} never leaves, so the group would wait a whole session timeout (45 s) for the gone member before
 * anyone gets its partitions. A static member must not leave: its successor takes the partitions back by instance
 * id without any rebalance. Runs before the extension's own shutdown observer (lower priority value), whose later
 * {@code close()} is then a no-op.
 */
@ApplicationScoped
public class StreamsShutdown {

    private static final Logger LOG = Logger.getLogger(StreamsShutdown.class);
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final GroupMembership membership;

    public StreamsShutdown(KafkaStreams streams, IngestConfig config) {
        this.streams = streams;
        this.membership = config.streams().membership();
    }

    void onStop(@Observes @Priority(Interceptor.Priority.APPLICATION) ShutdownEvent event) {
        if (!leavesOnClose(membership)) {
            return;
        }
        boolean closed = streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(CLOSE_TIMEOUT));
        LOG.infof("Kafka Streams closed, left the group (dynamic membership)%s", closed ? "" : "; timed out");
    }

    static boolean leavesOnClose(GroupMembership membership) {
        return membership == GroupMembership.DYNAMIC;
    }
}
