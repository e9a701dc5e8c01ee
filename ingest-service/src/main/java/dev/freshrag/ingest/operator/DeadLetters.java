package dev.freshrag.ingest.operator;

import dev.freshrag.events.DlqHeaders;
import dev.freshrag.events.Priority;
import dev.freshrag.events.DocumentKey;
import dev.freshrag.ingest.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Reads kb.dlq with a plain consumer (assign and seek, no group: listing must not move any committed offset, and
 * two operators may look at once) and re-publishes selected dead letters to the topic they came from. Every call
 * reads a fixed range, from the start (or {@code from}) to the end offsets taken when it began, so it ends even
 * while new dead letters arrive.
 */
@ApplicationScoped
public class DeadLetters {

    /** A poll answers at least every this long, so a call on an idle topic cannot hang. */
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final String bootstrap;
    private final IngestConfig.TopicNames topics;

    public DeadLetters(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap, IngestConfig config) {
        this.bootstrap = bootstrap;
        this.topics = config.topics();
    }

    public List<DeadLetter> list(DlqFilter filter) {
        List<DeadLetter> out = new ArrayList<>();
        scan(filter, (record, letter) -> out.add(letter));
        return out;
    }

    /**
     * Re-publishes each selected record's own key, value and headers (without the {@code freshrag.dlq.*} ones) to
     * the input of the stage that rejected it, with {@link DlqHeaders#REPLAYED_FROM}. The target comes from the
     * stage, never from a header, so a record cannot be sent to an arbitrary topic. Replays are marked bulk
     * ({@code freshrag-priority: bulk}; embed-stage ones go to kb.chunk-ops.bulk), so they never hold up live edits. Answers how many were sent,
     * after the broker acknowledged each one.
     */
    public int replay(DlqFilter filter) {
        List<ProducerRecord<byte[], byte[]>> toSend = new ArrayList<>();
        scan(filter, (record, letter) -> {
            String target = switch (letter.stage() == null ? "" : letter.stage()) {
                case "ingest" -> topics.docChanges();
                case "embed" -> topics.chunkOpsBulk(); // a replay is bulk work: the embed stage's bulk lane
                default -> null; // an unknown stage: nothing to send it back to, listed but never replayed
            };
            if (target == null) {
                return;
            }
            ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(target, record.key(), record.value());
            for (Header h : record.headers()) {
                if (!h.key().startsWith(DlqHeaders.PREFIX) && !h.key().equals(Priority.HEADER)) {
                    out.headers().add(h);
                }
            }
            // a replay is bulk work: it must not hold up live edits (see Priority)
            out.headers().add(Priority.HEADER, Priority.bulkHeaderValue());
            out.headers().add(DlqHeaders.REPLAYED_FROM,
                    (record.topic() + "/" + record.partition() + "/" + record.offset()).getBytes(StandardCharsets.UTF_8));
            toSend.add(out);
        });
        return RecordResender.sendAll(bootstrap, toSend, "replaying");
    }

    /** Calls {@code each} for every matching record, in partition then offset order, at most {@code limit} times. */
    private void scan(DlqFilter filter, BiConsumer<ConsumerRecord<byte[], byte[]>, DeadLetter> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.dlq()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .filter(tp -> filter.partition() == null || tp.partition() == filter.partition())
                    .sorted(Comparator.comparingInt(TopicPartition::partition))
                    .toList();
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            int found = 0;
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            // assigned once, read one partition at a time (pause/resume) so the output is in partition then offset order
            consumer.assign(partitions);
            consumer.pause(partitions);
            for (TopicPartition tp : partitions) {
                long start = Math.max(begin.get(tp), filter.from() == null ? 0 : filter.from());
                long stop = filter.to() == null ? end.get(tp) : Math.min(end.get(tp), filter.to() + 1);
                consumer.seek(tp, start);
                consumer.resume(List.of(tp));
                // position, not the last offset seen: with read_committed, transaction markers take offsets too
                while (found < filter.limit() && consumer.position(tp) < stop) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("kb.dlq could not be read within " + DEADLINE.toSeconds() + " s");
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                        if (r.offset() >= stop || found >= filter.limit()) {
                            break;
                        }
                        DeadLetter letter = letter(r);
                        if (filter.matches(letter)) {
                            each.accept(r, letter);
                            found++;
                        }
                    }
                }
                consumer.pause(List.of(tp));
            }
        }
    }

    static DeadLetter letter(ConsumerRecord<byte[], byte[]> r) {
        String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
        String tenant = r.key() == null ? null : DocumentKey.parse(r.key()).map(DocumentKey::tenant).orElse(null);
        return new DeadLetter(r.partition(), r.offset(), header(r, DlqHeaders.REASON), header(r, DlqHeaders.FIELD),
                header(r, DlqHeaders.STAGE), header(r, DlqHeaders.SOURCE_TOPIC), number(header(r, DlqHeaders.SOURCE_PARTITION)) == null
                        ? null : number(header(r, DlqHeaders.SOURCE_PARTITION)).intValue(),
                number(header(r, DlqHeaders.SOURCE_OFFSET)), header(r, DlqHeaders.TIMESTAMP), tenant, key);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Long number(String s) {
        try {
            return s == null ? null : Long.valueOf(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
