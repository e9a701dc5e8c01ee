package dev.freshrag.embed.health;

import dev.freshrag.embed.pipeline.LaneFences;
import dev.freshrag.embed.pipeline.PartitionFence;
import io.smallrye.common.annotation.Identifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The rebalance callbacks of both lanes' consumers (named in application.properties:
 * {@code consumer-rebalance-listener.name}). They keep the partitions this process holds right now (the connector's
 * own readiness only checks the broker connection; a consumer that is connected but waiting for its assignment
 * processes nothing), and they drive each lane's {@link PartitionFence}: a revoked partition's batch in flight is
 * waited for (bounded) or abandoned before the callback returns, so the partition's next owner never races it.
 * The callbacks run on the connector's polling thread, inside the consumer's poll, before the partitions move.
 */
@ApplicationScoped
@Identifier(ChunkOpsAssignment.NAME)
public class ChunkOpsAssignment implements KafkaConsumerRebalanceListener {

    public static final String NAME = "chunk-ops-assignment";
    private static final Logger LOG = Logger.getLogger(ChunkOpsAssignment.class);

    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
    /** Told after each change of the assignment (the backfill lease); on the polling thread, so they must not block. */
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final LaneFences fences;

    public ChunkOpsAssignment(LaneFences fences) {
        this.fences = fences;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.addAll(partitions);
        byTopic(partitions).forEach((topic, numbers) -> fences.ofTopic(topic).ifPresent(f -> f.assigned(numbers)));
        changed();
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
        byTopic(partitions).forEach((topic, numbers) -> fences.ofTopic(topic).ifPresent(f -> {
            try {
                Set<Integer> abandoned = f.revoked(numbers, fences.revokeWait());
                if (!abandoned.isEmpty()) {
                    LOG.warnf("%s partitions %s revoked while a batch was still being applied after %s: its records of "
                            + "them are abandoned (not written); their new owner applies them", topic, abandoned,
                            fences.revokeWait());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                f.lost(numbers);
            }
        }));
        changed();
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
        byTopic(partitions).forEach((topic, numbers) -> fences.ofTopic(topic).ifPresent(f -> f.lost(numbers)));
        changed();
    }

    /** Whether this process holds partition {@code partition} of {@code topic} now. */
    public boolean holds(String topic, int partition) {
        return assigned.contains(new TopicPartition(topic, partition));
    }

    /** {@code listener} runs after each change of the assignment, on the polling thread: it must not block. */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void changed() {
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warnf("a listener of the assignment failed: %s", e.toString());
            }
        }
    }

    private static Map<String, List<Integer>> byTopic(Collection<TopicPartition> partitions) {
        Map<String, List<Integer>> byTopic = new HashMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        return byTopic;
    }

    public int assignedPartitions() {
        return assigned.size();
    }
}
