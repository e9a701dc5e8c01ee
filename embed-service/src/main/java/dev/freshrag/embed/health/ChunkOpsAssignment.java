package dev.freshrag.embed.health;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The kb.chunk-ops partitions this process's consumer holds right now, kept from the connector's rebalance
 * callbacks (named in application.properties: {@code consumer-rebalance-listener.name}). The connector's own
 * readiness only checks the broker connection; a consumer that is connected but waiting for its assignment
 * processes nothing.
 */
@ApplicationScoped
@Identifier(ChunkOpsAssignment.NAME)
public class ChunkOpsAssignment implements KafkaConsumerRebalanceListener {

    public static final String NAME = "chunk-ops-assignment";

    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.addAll(partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
    }

    public int assignedPartitions() {
        return assigned.size();
    }
}
