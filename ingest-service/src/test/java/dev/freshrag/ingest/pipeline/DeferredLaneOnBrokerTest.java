package dev.freshrag.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Op;
import dev.freshrag.events.Topics;
import dev.freshrag.ingest.metrics.IngestMetrics;
import dev.freshrag.ingest.tracing.StreamsTracing;
import dev.freshrag.testkit.KafkaBroker;
import dev.freshrag.tokenizer.ModelTokenizer;
import dev.freshrag.tokenizer.TokenizerFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Tag;

/**
 * The deferred lane on the real broker, with Kafka Streams itself choosing the next record: a live edit of one tenant
 * queued on its partition behind another tenant's unmarked flood is processed before most of the flood, and an
 * ingest stopped in the middle of the deferred work finishes it after a restart, exactly once, leaving no document
 * waiting. Orders and completion are asserted, never timings.
 */
@Tag("slow") // a broker, two replicas or a whole benchmark file: left out of the quick loop (-DskipITs), run by ./mvnw verify
class DeferredLaneOnBrokerTest {

    private static final int FLOOD = 300;
    private static ModelTokenizer tokenizer;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = ModelTokenizer.load(TokenizerFiles.ALL_MINILM_L6_V2, TokenizerFiles.DEFAULT_MAX_LENGTH);
    }

    private KafkaStreams start(KafkaBroker broker, String prefix, TopologySettings settings) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + "ingest");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        KafkaStreams streams = new KafkaStreams(TopologyProducer.build(settings, tokenizer, IngestMetrics.noop(),
                Clock.systemUTC(), StreamsTracing.disabled()), props);
        streams.start();
        return streams;
    }

    private static byte[] event(String tenant, String docId, String content) {
        return EventJson.write(new DocumentChange(tenant, docId, null, Op.UPSERT, "T", "text/plain", content, Map.of(), null));
    }

    private static String key(ConsumerRecord<String, String> r) {
        return r.key();
    }

    @Test
    void aLiveEditQueuedBehindAnotherTenantsFloodGoesFirstAndARestartFinishesTheDeferredWork() {
        KafkaBroker broker = KafkaBroker.shared();
        String prefix = KafkaBroker.uniquePrefix();
        KafkaBroker.TopicNames topics = broker.createTopics(prefix, 1);
        TopologySettings settings = new TopologySettings(topics.docChanges(), topics.docChangesBulk(),
                topics.chunkOps(), topics.chunkOpsBulk(), topics.dlq(), topics.docLog(), dev.freshrag.events.Limits.DEFAULTS,
                256, 64, Optional.empty(), TopologySettings.LiveLimits.DEFAULTS, topics.generations());

        // all queued before the ingest starts: the flood first, then the other tenant's edit, on the one partition
        String paragraph = "Flood paragraph with some words to tokenize and chunk. ".repeat(30);
        try (KafkaProducer<byte[], byte[]> producer = broker.newByteProducer()) {
            for (int i = 0; i < FLOOD; i++) {
                producer.send(new ProducerRecord<>(topics.docChanges(), 0, ("flood/doc-" + i).getBytes(StandardCharsets.UTF_8),
                        event("flood", "doc-" + i, paragraph + i)));
            }
            producer.send(new ProducerRecord<>(topics.docChanges(), 0, "quiet/edit".getBytes(StandardCharsets.UTF_8),
                    event("quiet", "edit", "A live edit.")));
            producer.flush();
        }

        KafkaStreams first = start(broker, prefix, settings);
        List<ConsumerRecord<String, String>> processed;
        try {
            // kb.doc-log holds every accepted change in the order the processor took them
            processed = broker.awaitRecords(topics.docLog(), rs -> rs.stream().anyMatch(r -> r.key().equals("quiet/edit")),
                    Duration.ofSeconds(90));
        } finally {
            first.close(Duration.ofSeconds(30));
        }
        int editAt = processed.stream().map(DeferredLaneOnBrokerTest::key).toList().indexOf("quiet/edit");
        System.out.printf("deferred lane on the broker: the live edit queued behind %d flood events was processed %d-th%n",
                FLOOD, editAt + 1);
        // FIFO would make it the 301st; only the flood's first live burst (32 a second) may go before it
        assertThat(editAt).isLessThan(FLOOD / 2);

        List<ConsumerRecord<String, String>> bulkBefore = broker.consumeAll(topics.chunkOpsBulk(), Duration.ofSeconds(30));
        System.out.printf("deferred lane on the broker: %d of the flood's deferred events applied when the ingest stopped%n",
                bulkBefore.size());

        // the restart: the deferred work resumes where it stopped
        KafkaStreams second = start(broker, prefix, settings);
        try {
            List<ConsumerRecord<String, String>> docLog = broker.awaitRecords(topics.docLog(), FLOOD + 1, Duration.ofSeconds(120));
            Map<String, Long> perDocument = docLog.stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
            assertThat(perDocument).hasSize(FLOOD + 1);
            assertThat(perDocument.values()).as("every change processed exactly once").containsOnly(1L);

            List<DocumentOps> live = broker.consumeAll(topics.chunkOps(), Duration.ofSeconds(30)).stream()
                    .map(r -> EventJson.readDocumentOps(r.value().getBytes(StandardCharsets.UTF_8))).toList();
            List<DocumentOps> bulk = broker.awaitRecords(topics.chunkOpsBulk(), rs -> rs.size() + live.stream()
                            .filter(o -> o.kind() == DocumentOps.Kind.APPLY).count() >= FLOOD + 1, Duration.ofSeconds(60)).stream()
                    .map(r -> EventJson.readDocumentOps(r.value().getBytes(StandardCharsets.UTF_8))).toList();
            // each deferred flood event: a marker in the live lane, its operations in the bulk lane, in offset order
            List<Long> markers = live.stream().filter(o -> o.kind() == DocumentOps.Kind.DEFERRED).map(DocumentOps::sourceOffset).toList();
            assertThat(bulk).map(DocumentOps::sourceOffset).containsExactlyElementsOf(markers).isSorted();
            assertThat(markers).isNotEmpty();

            // nothing waits any more: the next write of a flooded document is processed live at once
            broker.produce(topics.docChanges(), "flood/doc-299".getBytes(StandardCharsets.UTF_8),
                    event("flood", "doc-299", "Changed."), Map.of());
            broker.awaitRecords(topics.chunkOps(), rs -> rs.stream().map(r -> EventJson.readDocumentOps(r.value().getBytes(StandardCharsets.UTF_8)))
                    .anyMatch(o -> o.docId().equals("doc-299") && o.kind() == DocumentOps.Kind.APPLY), Duration.ofSeconds(60));
        } finally {
            second.close(Duration.ofSeconds(30));
        }
    }
}
