package dev.freshrag.e2e;

import dev.freshrag.events.Topics;
import dev.freshrag.testkit.KafkaBroker;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * The embed-service's progress on kb.chunk-ops as the broker sees it, read with the Admin client: the offsets its
 * consumer group committed (it commits only batches it wrote and committed to the index) against the topic's end.
 */
final class ChunkOpsLag {

    /** The embed-service's consumer group (mp.messaging.incoming.chunk-ops.group.id). */
    static final String GROUP = "freshrag-embed";

    private ChunkOpsLag() {
    }

    /** The last stable offset of each partition: the end as a read_committed consumer (the embed-service) sees it. */
    static Map<Integer, Long> endOffsets(KafkaBroker broker) {
        int partitions = broker.describeTopic(Topics.CHUNK_OPS).partitions().size();
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(Topics.CHUNK_OPS, p), OffsetSpec.latest());
        }
        try {
            Map<Integer, Long> out = new TreeMap<>();
            broker.admin().listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp.partition(), info.offset()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("could not read the end offsets of " + Topics.CHUNK_OPS, e);
        }
    }

    /** The offsets {@value #GROUP} committed on kb.chunk-ops, by partition (missing: nothing committed yet). */
    static Map<Integer, Long> committedOffsets(KafkaBroker broker) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = broker.admin().listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<Integer, Long> out = new TreeMap<>();
            committed.forEach((tp, om) -> {
                if (tp.topic().equals(Topics.CHUNK_OPS) && om != null) {
                    out.put(tp.partition(), om.offset());
                }
            });
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("could not read the offsets of consumer group " + GROUP, e);
        }
    }

    /** Records between the committed offsets and the end offsets, summed over the partitions. */
    static long behind(Map<Integer, Long> end, Map<Integer, Long> committed) {
        long sum = 0;
        for (Map.Entry<Integer, Long> e : end.entrySet()) {
            sum += Math.max(0, e.getValue() - committed.getOrDefault(e.getKey(), 0L));
        }
        return sum;
    }
}
