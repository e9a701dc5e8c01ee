package dev.freshrag.query.drift;

import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Op;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The changes the ingest-service accepted in a time window, read from the rebuild log kb.doc-log (it holds only
 * accepted changes, after the version guard): per document the newest one. A plain consumer (assign, no group) reads
 * each partition from the first record at or after the window's start up to the end offsets taken when it began.
 */
public final class DocLogWindow {

    private static final Duration POLL = Duration.ofMillis(200);
    /** One scan; a window of a busy tenant fits easily, and the next check comes anyway. */
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final Map<String, Object> clientConfig;
    private final String topic;

    /** @param clientConfig Kafka client settings ({@code bootstrap.servers}, security) */
    public DocLogWindow(Map<String, Object> clientConfig, String topic) {
        this.clientConfig = clientConfig;
        this.topic = topic;
    }

    /** Per document key, its newest change written at or after {@code fromMillis}; at most {@code max}, newest first. */
    public List<LoggedChange> newestSince(long fromMillis, int max) {
        Map<String, Object> c = new HashMap<>(clientConfig);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, "freshrag-query-drift");
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        Map<String, LoggedChange> newest = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, DEADLINE).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, DEADLINE);
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(tp -> times.put(tp, fromMillis));
            Map<TopicPartition, OffsetAndTimestamp> start = consumer.offsetsForTimes(times, DEADLINE);
            consumer.assign(partitions);
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp o = start.get(tp);
                consumer.seek(tp, o == null ? end.get(tp) : o.offset()); // null: nothing written since
            }
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            // position, not the last offset seen: with read_committed, transaction markers take offsets too
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(topic + " could not be read within " + DEADLINE.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.value() == null || r.timestamp() < fromMillis
                            || r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    parse(r.value()).ifPresent(e -> newest.put(e.tenant() + "/" + e.docId(), new LoggedChange(e.tenant(),
                            e.docId(), e.version(), e.op() == Op.DELETE, r.timestamp()))); // offsets ascend per key
                }
            }
        }
        return newest.values().stream().sorted(Comparator.comparingLong(LoggedChange::writtenAt).reversed())
                .limit(max).toList();
    }

    private static Optional<DocumentChange> parse(byte[] value) {
        try {
            return Optional.of(EventJson.readDocumentChange(value));
        } catch (RuntimeException e) {
            return Optional.empty(); // the log holds only accepted changes: an unreadable one is none of them
        }
    }
}
