package dev.freshrag.ingest.operator;

import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.DocumentKey;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Op;
import dev.freshrag.events.Priority;
import dev.freshrag.ingest.config.IngestConfig;
import dev.freshrag.events.RepairHeader;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Re-drives documents that verify found wrong in the index. The state store keeps chunk ids and hashes, not the
 * text, so the content comes from the rebuild log kb.doc-log (else kb.doc-changes): per document the newest record
 * the state accepted (an UPSERT, or
 * for a deleted document a DELETE, at the stored version, or versionless). It is re-published with its own key,
 * value and headers, marked bulk ({@code freshrag-priority: bulk}) and {@link RepairHeader}, so the guard lets the
 * stored version through once more and every chunk is written again. A plain consumer (assign and seek, no group)
 * reads each partition up to the end offsets taken when the call began.
 */
@ApplicationScoped
public class RepairDriver {

    /** What a repair did: how many documents were re-published, and those with no record left to re-publish. */
    public record Result(int redriven, List<String> notFound) {
    }

    private static final Duration POLL = Duration.ofMillis(200);
    /** A whole scan of one topic (two are read at most); together below the CLI's 120 s HTTP timeout. */
    private static final Duration DEADLINE = Duration.ofSeconds(50);

    private final String bootstrap;
    private final IngestConfig.TopicNames topics;
    private final DocumentStates states;

    public RepairDriver(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap, IngestConfig config,
                        DocumentStates states) {
        this.bootstrap = bootstrap;
        this.topics = config.topics();
        this.states = states;
    }

    public Result repair(List<DocumentKey> keys) {
        Map<String, ExpectedDocument> wanted = new LinkedHashMap<>();
        List<String> notFound = new ArrayList<>();
        for (DocumentKey key : keys) {
            Optional<ExpectedDocument> expected = states.get(key);
            if (expected.isPresent()) {
                wanted.put(key.toString(), expected.get());
            } else {
                notFound.add(key + " (the pipeline holds no state of it)");
            }
        }
        // the rebuild log first (it holds only accepted changes, and compaction keeps the newest); kb.doc-changes for
        // what it lacks (changes accepted before kb.doc-log existed)
        Map<String, ConsumerRecord<byte[], byte[]>> newest = newestAccepted(topics.docLog(), wanted);
        Map<String, ExpectedDocument> rest = new LinkedHashMap<>(wanted);
        rest.keySet().removeAll(newest.keySet());
        newest.putAll(newestAccepted(topics.docChanges(), rest));
        List<ProducerRecord<byte[], byte[]>> toSend = new ArrayList<>();
        wanted.forEach((key, expected) -> {
            ConsumerRecord<byte[], byte[]> r = newest.get(key);
            if (r == null) {
                notFound.add(key + " (no record of v" + expected.version() + " left on " + topics.docLog() + " or "
                        + topics.docChanges() + ")");
                return;
            }
            ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topics.docChanges(), r.key(), r.value());
            for (Header h : r.headers()) {
                if (!h.key().equals(Priority.HEADER) && !h.key().equals(RepairHeader.NAME)) {
                    out.headers().add(h);
                }
            }
            out.headers().add(Priority.HEADER, Priority.bulkHeaderValue());
            out.headers().add(RepairHeader.NAME, "verify".getBytes(StandardCharsets.UTF_8));
            toSend.add(out);
        });
        send(toSend);
        return new Result(toSend.size(), notFound);
    }

    /** Whether a record is the one the stored state came from (or one equal to it). */
    static boolean accepted(DocumentChange event, ExpectedDocument expected) {
        boolean op = expected.deleted() ? event.op() == Op.DELETE : event.op() == Op.UPSERT;
        return op && (event.version() == null || event.version() == expected.version());
    }

    private Map<String, ConsumerRecord<byte[], byte[]>> newestAccepted(String topic, Map<String, ExpectedDocument> wanted) {
        Map<String, ConsumerRecord<byte[], byte[]>> newest = new HashMap<>();
        if (wanted.isEmpty()) {
            return newest;
        }
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            // position, not the last offset seen: with read_committed, transaction markers take offsets too
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(topic + " could not be read within " + DEADLINE.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.key() == null || r.value() == null || r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    ExpectedDocument expected = wanted.get(key);
                    if (expected != null && parse(r.value()).filter(e -> accepted(e, expected)).isPresent()) {
                        newest.put(key, r); // offsets ascend per partition, and a key lives in one partition
                    }
                }
            }
        }
        return newest;
    }

    private static Optional<DocumentChange> parse(byte[] value) {
        try {
            return Optional.of(EventJson.readDocumentChange(value));
        } catch (RuntimeException e) {
            return Optional.empty(); // a malformed record was dead-lettered, never accepted
        }
    }

    private void send(List<ProducerRecord<byte[], byte[]>> records) {
        RecordResender.sendAll(bootstrap, records, "re-driving");
    }
}
