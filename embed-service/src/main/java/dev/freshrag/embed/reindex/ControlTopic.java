package dev.freshrag.embed.reindex;

import dev.freshrag.events.EventJson;
import dev.freshrag.events.GenerationControl;
import dev.freshrag.events.IngestChunking;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * kb.generations: one {@link GenerationControl} per generation, keyed by its id, compacted. Written on every reindex
 * step and on the backfill's progress (each write waits for the broker's acknowledgement: a step is answered only once
 * it is recorded), read whole at start (a restarted service resumes a backfill from it). Rare and small: a producer
 * per write and a consumer per read. {@link #known} keeps what was read last and what this process wrote since (on
 * Qdrant it is the plan's building and previous generations, read at every status call), and a follower of the topic
 * ({@link #learn}) adds what other replicas wrote.
 */
final class ControlTopic {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ControlTopic.class);

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration READ_DEADLINE = Duration.ofSeconds(30);

    private final String bootstrap;
    private final String topic;
    /** The newest record of every generation known to this process: null until first read. */
    private Map<String, GenerationControl> known;
    /** The offset of each known record: a follower that lags must not put an older record back over a newer one. */
    private final Map<String, Long> knownOffsets = new java.util.HashMap<>();

    ControlTopic(String bootstrap, String topic) {
        this.bootstrap = bootstrap;
        this.topic = topic;
    }

    void write(GenerationControl record) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new ByteArraySerializer(), new ByteArraySerializer())) {
            long offset = producer.send(new ProducerRecord<>(topic, record.generation().getBytes(StandardCharsets.UTF_8),
                    EventJson.write(record))).get().offset();
            learn(record, offset);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording " + record.generation() + " on " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("recording " + record.generation() + " on " + topic + " failed: "
                    + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The newest record of every generation as this process knows it (read from the topic the first time). */
    synchronized Map<String, GenerationControl> known() {
        if (known == null) {
            known = new LinkedHashMap<>(readAll());
        }
        return Map.copyOf(known);
    }

    /**
     * A record at {@code offset} written (by this process or, read by a follower of the topic, by another replica);
     * false (and nothing changed) if a newer record of its generation is known already. A generation's records share
     * one partition (its key), so their offsets order them.
     */
    synchronized boolean learn(GenerationControl record, long offset) {
        Long seen = knownOffsets.get(record.generation());
        if (seen != null && seen >= offset) {
            return false;
        }
        knownOffsets.put(record.generation(), offset);
        if (known != null) {
            known.put(record.generation(), record);
        }
        return true;
    }

    /** The newest record of every generation, by id, read from the topic now. */
    Map<String, GenerationControl> readAll() {
        return read(new LinkedHashMap<>());
    }

    /**
     * The chunking each ingest task said it runs with ({@link IngestChunking}), the newest word per kb.doc-changes
     * partition, read from the topic now; empty when no ingest said one (a version before these words).
     */
    List<IngestChunking> ingestChunkings() {
        Map<String, byte[]> words = new LinkedHashMap<>();
        read(words);
        List<IngestChunking> said = new java.util.ArrayList<>();
        words.forEach((key, value) -> {
            try {
                said.add(EventJson.read(value, IngestChunking.class));
            } catch (dev.freshrag.events.InvalidEventException e) {
                LOG.warnf("%s word %s cannot be read, left out: %s", topic, key, e.getMessage());
            }
        });
        return said;
    }

    private Map<String, GenerationControl> read(Map<String, byte[]> chunkings) {
        Map<String, GenerationControl> latest = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, READ_DEADLINE).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + READ_DEADLINE.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(topic + " could not be read within " + READ_DEADLINE.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    if (r.key() == null) {
                        continue;
                    }
                    String id = new String(r.key(), StandardCharsets.UTF_8);
                    if (dev.freshrag.events.IngestChunking.isKey(id) && r.value() != null) {
                        chunkings.put(id, r.value());
                    }
                    if (dev.freshrag.events.GenerationFollowed.isKey(id)) {
                        continue; // the ingest's words (it follows a generation, its chunking), not generations
                    }
                    if (r.value() == null) {
                        latest.remove(id);
                    } else {
                        latest.put(id, EventJson.read(r.value(), GenerationControl.class));
                    }
                    synchronized (this) {
                        knownOffsets.merge(id, r.offset(), Math::max);
                    }
                }
            }
        }
        synchronized (this) {
            known = new LinkedHashMap<>(latest);
        }
        return latest;
    }
}
