package dev.freshrag.embed.reindex;

import dev.freshrag.events.GenerationControl;
import dev.freshrag.events.RepairHeader;
import dev.freshrag.events.GenerationHeader;
import dev.freshrag.events.Priority;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

/**
 * A reindex's backfill: re-drives the newest record of every document on kb.doc-log (from its beginning to the end
 * offsets read when the backfill started) to kb.doc-changes, as {@code verify --repair} does (the ingest-service's
 * RepairDriver): same key, value and headers, marked bulk ({@code freshrag-priority: bulk}) and repair
 * ({@code freshrag.repair: reindex}, so the version guard lets the stored version through once more and the ingest
 * chunks it against an empty previous state), plus {@code freshrag-generation: g<N>}, so the embed-service applies its
 * operations to the building generation only.
 *
 * <p>Two passes over the log: the first finds each key's newest offset (keys only are kept: a compacted log may still
 * hold older records of a key, and re-driving an older versionless record would bring old content back), the second
 * re-drives the records at those offsets. The second pass records where it is ({@code redrivenUpTo}), so a restarted
 * embed-service resumes it; a record re-driven twice is harmless (the same version, written again idempotently).
 */
final class DocLogBackfill {

    private static final Logger LOG = Logger.getLogger(DocLogBackfill.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String bootstrap;
    private final String docLog;
    private final String docChanges;
    private final int progressEvery;

    DocLogBackfill(String bootstrap, String docLog, String docChanges, int progressEvery) {
        this.bootstrap = bootstrap;
        this.docLog = docLog;
        this.docChanges = docChanges;
        this.progressEvery = Math.max(1, progressEvery);
    }

    /**
     * Runs (or resumes) the backfill of {@code generation} from {@code from}; {@code progress} gets its state after every
     * {@code progressEvery} documents and at the end. Returns the final state ({@code done} unless stopped).
     */
    GenerationControl.Backfill run(String generation, GenerationControl.Backfill from, BooleanSupplier stopped,
                                   Consumer<GenerationControl.Backfill> progress) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024), new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"), new ByteArraySerializer(), new ByteArraySerializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(docLog).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            Map<Integer, Long> end = new TreeMap<>(from.end());
            if (end.isEmpty()) {
                consumer.endOffsets(partitions).forEach((tp, o) -> end.put(tp.partition(), o));
            }
            Map<String, Long> newest = newestOffsets(consumer, partitions, end, stopped);
            if (newest == null) {
                return from;
            }
            Map<Integer, Long> upTo = new TreeMap<>(from.redrivenUpTo());
            Map<Integer, Long> lastSent = new TreeMap<>(from.lastSent());
            long redriven = from.redriven();
            GenerationControl.Backfill state = new GenerationControl.Backfill(newest.size(), redriven, false, end, upTo, lastSent);
            progress.accept(state);
            List<Future<RecordMetadata>> inFlight = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                long stop = end.getOrDefault(tp.partition(), 0L);
                long start = upTo.getOrDefault(tp.partition(), 0L);
                if (start >= stop) {
                    continue;
                }
                consumer.assign(List.of(tp));
                consumer.seek(tp, start);
                while (consumer.position(tp) < stop) {
                    if (stopped.getAsBoolean()) {
                        return state;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                        if (r.offset() >= stop || r.key() == null || r.value() == null) {
                            continue;
                        }
                        Long wanted = newest.get(new String(r.key(), StandardCharsets.UTF_8));
                        if (wanted != null && wanted == r.offset()) {
                            inFlight.add(producer.send(redrive(r, generation)));
                        }
                    }
                    long position = Math.min(consumer.position(tp), stop);
                    if (inFlight.size() >= progressEvery || position >= stop) {
                        redriven += await(inFlight, lastSent);
                        upTo.put(tp.partition(), position);
                        state = new GenerationControl.Backfill(newest.size(), redriven, false, end, upTo, lastSent);
                        progress.accept(state);
                    }
                }
            }
            redriven += await(inFlight, lastSent);
            state = new GenerationControl.Backfill(newest.size(), redriven, true, end, upTo, lastSent);
            progress.accept(state);
            LOG.infof("backfill of %s: %d documents re-driven from %s", generation, redriven, docLog);
            return state;
        }
    }

    /** Pass 1: per key, the offset of its newest record below the end offsets (a tombstone removes the key). */
    private Map<String, Long> newestOffsets(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                            Map<Integer, Long> end, BooleanSupplier stopped) {
        Map<String, Long> newest = new HashMap<>();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.getOrDefault(tp.partition(), 0L))) {
            if (stopped.getAsBoolean()) {
                return null;
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                if (r.key() == null || r.offset() >= end.getOrDefault(r.partition(), 0L)) {
                    continue;
                }
                String key = new String(r.key(), StandardCharsets.UTF_8);
                if (r.value() == null) {
                    newest.remove(key);
                } else {
                    newest.put(key, r.offset()); // offsets ascend per partition, and a key lives in one partition
                }
            }
        }
        return newest;
    }

    private ProducerRecord<byte[], byte[]> redrive(ConsumerRecord<byte[], byte[]> r, String generation) {
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(docChanges, r.key(), r.value());
        for (Header h : r.headers()) {
            if (!h.key().equals(Priority.HEADER) && !h.key().equals(RepairHeader.NAME) && !h.key().equals(GenerationHeader.NAME)) {
                out.headers().add(h);
            }
        }
        out.headers().add(Priority.HEADER, Priority.bulkHeaderValue());
        out.headers().add(RepairHeader.NAME, "reindex".getBytes(StandardCharsets.UTF_8));
        out.headers().add(GenerationHeader.NAME, GenerationHeader.value(generation));
        return out;
    }

    /** Waits for the sends in flight; records each kb.doc-changes partition's last offset; answers how many. */
    private static int await(List<Future<RecordMetadata>> inFlight, Map<Integer, Long> lastSent) {
        int n = inFlight.size();
        try {
            for (Future<RecordMetadata> f : inFlight) {
                RecordMetadata m = f.get();
                lastSent.merge(m.partition(), m.offset(), Math::max);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while re-driving", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("re-driving failed: " + e.getCause().getMessage(), e.getCause());
        }
        inFlight.clear();
        return n;
    }
}
