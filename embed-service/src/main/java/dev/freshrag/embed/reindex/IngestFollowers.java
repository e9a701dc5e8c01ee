package dev.freshrag.embed.reindex;

import dev.freshrag.events.GenerationFollowed;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jboss.logging.Logger;

/**
 * The start race of a re-chunking reindex: the ingest-service learns of the new generation from kb.generations some
 * time after {@code start}, and a change it processed before is not chunked for it. Every ingest task says on
 * kb.generations when it follows the generation ({@link GenerationFollowed}, written in the task's exactly-once
 * transaction, so the changes it processed before are on kb.doc-log by then); the backfill reads kb.doc-log's end
 * offsets only once every kb.doc-changes partition's word is there (read committed), so those changes are below them
 * and re-driven. Waits without a deadline (the status says what for): no ingest running means no change is missed yet.
 */
final class IngestFollowers {

    private static final Logger LOG = Logger.getLogger(IngestFollowers.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String bootstrap;
    private final String generationsTopic;
    private final String docChanges;
    /** Per generation waited for: what is missing, for the status (absent: not waiting). */
    private final Map<String, String> waiting = new ConcurrentHashMap<>();

    IngestFollowers(String bootstrap, String generationsTopic, String docChanges) {
        this.bootstrap = bootstrap;
        this.generationsTopic = generationsTopic;
        this.docChanges = docChanges;
    }

    /** What the wait for {@code generation} still misses, or null when not waiting. */
    String waiting(String generation) {
        return waiting.get(generation);
    }

    /**
     * Returns once every kb.doc-changes partition's ingest task said it follows {@code generation} (true), or when
     * {@code stopped} (false).
     */
    boolean await(String generation, BooleanSupplier stopped) {
        // Kafka loads its plug-ins (the JMX metrics reporter) through the thread's context class loader; a pool thread
        // may carry another one (seen in the test JVM after a Quarkus test: ClassCastException of JmxReporter)
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(IngestFollowers.class.getClassLoader());
        try {
            return awaitWithOwnLoader(generation, stopped);
        } finally {
            thread.setContextClassLoader(before);
        }
    }

    private boolean awaitWithOwnLoader(String generation, BooleanSupplier stopped) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            int partitions = consumer.partitionsFor(docChanges).size();
            List<TopicPartition> control = consumer.partitionsFor(generationsTopic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(control);
            consumer.seekToBeginning(control);
            Set<Integer> followed = new TreeSet<>();
            waiting.put(generation, "0 of " + partitions + " kb.doc-changes partitions follow it");
            LOG.infof("the backfill of %s waits until the ingest-service chunks for it on all %d partitions", generation, partitions);
            while (followed.size() < partitions) {
                if (stopped.getAsBoolean()) {
                    return false;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                    String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                    if (r.value() != null && GenerationFollowed.generationOf(key).filter(generation::equals).isPresent()) {
                        followed.add(Integer.parseInt(key.substring(key.lastIndexOf('/') + 1)));
                    }
                }
                waiting.put(generation, followed.size() + " of " + partitions + " kb.doc-changes partitions follow it");
            }
            LOG.infof("the ingest-service chunks for %s on every partition: the backfill starts", generation);
            return true;
        } finally {
            waiting.remove(generation);
        }
    }
}
