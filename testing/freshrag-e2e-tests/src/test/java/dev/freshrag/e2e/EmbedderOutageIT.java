package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Op;
import dev.freshrag.events.Topics;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneReaderIndex;
import dev.freshrag.launcher.FreePorts;
import dev.freshrag.launcher.ServiceProcess;
import dev.freshrag.security.KeysFile;
import dev.freshrag.security.Role;
import dev.freshrag.testkit.KafkaBroker;
import dev.freshrag.testkit.embedding.EmbeddingServerDouble;
import dev.freshrag.testkit.embedding.TeiServerDouble;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedding server goes down while documents flow. A broker in this JVM, the packaged ingest-, embed- and
 * query-service as processes with {@code FRESHRAG_EMBEDDING_BACKEND=tei}, pointed at a {@link TeiServerDouble} in
 * this JVM (TEI's protocol on the real all-MiniLM-L6-v2; TEI itself cannot run here), on their own topics, consumer
 * group and index so that they share nothing with the other ITs' stack. The server answers 503 for
 * {@value #OUTAGE_SECONDS} s: the embed-service must retry with its partitions paused (readiness {@code embed-model}
 * DOWN meanwhile), dead-letter nothing, and index every document once the server is back; the query-service, on the
 * same backend, then finds them.
 */
class EmbedderOutageIT {

    private static final int OUTAGE_SECONDS = 8;
    private static final int DOCS_BEFORE = 10;
    private static final int DOCS_DURING = 20;
    private static final float[] ANY_VECTOR = new float[384];

    private static TeiServerDouble tei;
    private static KafkaBroker broker;
    private static KafkaBroker.TopicNames topics;
    private static Path dataDir;
    private static Path keysFile;
    private static ServiceProcess ingest;
    private static ServiceProcess embed;
    private static ServiceProcess query;
    private static KafkaProducer<byte[], byte[]> producer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static {
        Arrays.fill(ANY_VECTOR, (float) (1 / Math.sqrt(384)));
    }

    @BeforeAll
    static void startStack() throws Exception {
        tei = new TeiServerDouble();
        broker = KafkaBroker.shared();
        topics = broker.createUniqueTopics();
        dataDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "outage-");
        keysFile = dataDir.resolve("keys");
        Files.writeString(keysFile, "# API keys of EmbedderOutageIT (hashes only)\n");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> common = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "FRESHRAG_INDEX_LUCENE_PATH", dataDir.resolve("index").toString(),
                "FRESHRAG_SECURITY_KEYS_FILE", keysFile.toString(),
                "FRESHRAG_TOPICS_DOC_CHANGES", topics.docChanges(),
                "FRESHRAG_TOPICS_CHUNK_OPS", topics.chunkOps(),
                "FRESHRAG_TOPICS_CHUNK_OPS_BULK", topics.chunkOpsBulk(),
                "FRESHRAG_TOPICS_DLQ", topics.dlq(),
                "FRESHRAG_TOPICS_TENANT_CONFIG", topics.tenantConfig(),
                "FRESHRAG_TOPICS_DOC_LOG", topics.docLog(),
                "OPT_OUT_TRACKING", "true"));
        common.put("FRESHRAG_TOPICS_DOC_CHANGES_BULK", topics.docChangesBulk());
        Map<String, String> remote = Map.of(
                "FRESHRAG_EMBEDDING_BACKEND", "tei",
                "FRESHRAG_EMBEDDING_REMOTE_URL", tei.url().toString(),
                "FRESHRAG_EMBEDDING_REMOTE_MODEL", TeiServerDouble.MODEL_ID,
                "FRESHRAG_EMBEDDING_REMOTE_DIMENSION", "384");
        Path logs = Path.of("target", "service-logs").toAbsolutePath();
        embed = ServiceProcess.forModule("embed-service").env(common).env(remote)
                // readiness DOWN after 2 failed batches in a row; backoff capped at 2 s so recovery is seen quickly
                .env("FRESHRAG_RETRY_UNHEALTHY_AFTER", "2").env("FRESHRAG_RETRY_MAX_BACKOFF", "PT2S")
                .systemProperty("mp.messaging.incoming.chunk-ops.group.id", "freshrag-embed-outage-" + suffix)
                .systemProperty("mp.messaging.incoming.chunk-ops-bulk.group.id", "freshrag-embed-bulk-outage-" + suffix)
                .logDirectory(logs).port(FreePorts.next()).jvmArgs("-Xmx512m").start();
        ingest = ServiceProcess.forModule("ingest-service").env(common)
                .env("KAFKA_STREAMS_STATE_DIR", dataDir.resolve("streams").toString())
                .systemProperty("quarkus.kafka-streams.application-id", "freshrag-ingest-outage-" + suffix)
                .logDirectory(logs).port(FreePorts.next()).jvmArgs("-Xmx512m").start();
        query = ServiceProcess.forModule("query-service").env(common).env(remote)
                .logDirectory(logs).port(FreePorts.next()).jvmArgs("-Xmx384m").start();
        producer = broker.newByteProducer();
    }

    @AfterAll
    static void stopStack() {
        for (ServiceProcess p : new ServiceProcess[] {query, ingest, embed}) {
            if (p != null) {
                p.stop();
            }
        }
        if (producer != null) {
            producer.close();
        }
        if (tei != null) {
            tei.close();
        }
    }

    /** One subject per document, so that a search for it has one right answer. */
    private static final String[] SUBJECTS = {"volcanic eruptions", "chess openings", "sourdough baking",
        "honeybee colonies", "glacier retreat", "jazz improvisation", "medieval castles", "coral reefs",
        "marathon training", "origami folding", "solar panels", "tea ceremonies", "submarine cables",
        "bird migration", "cheese ripening", "lighthouse keepers", "desert cacti", "violin making",
        "tornado warnings", "bonsai pruning", "train signalling", "mushroom foraging", "comet tails",
        "wool dyeing", "typewriter repair", "penguin colonies", "rice terraces", "kite surfing", "clock towers",
        "salt marshes"};

    private static String content(int doc) {
        return "A short guide to " + SUBJECTS[doc] + ". It explains what matters most about " + SUBJECTS[doc]
                + " to a curious beginner.\n\nThe second paragraph lists further reading on " + SUBJECTS[doc] + ".";
    }

    private static void produce(String tenant, int doc) throws Exception {
        DocumentChange change = new DocumentChange(tenant, "doc-" + doc, 1L, Op.UPSERT, "Drill " + doc, "text/plain",
                content(doc), Map.of("doc", "doc-" + doc), null);
        producer.send(new ProducerRecord<>(topics.docChanges(), change.key().toBytes(), EventJson.write(change))).get();
    }

    /** Documents of the tenant with at least one chunk in the index, read through a second read-only reader. */
    private static int indexed(LuceneReaderIndex reader, String tenant, int docs) {
        reader.refreshNow();
        int n = 0;
        for (int d = 0; d < docs; d++) {
            if (!reader.search(new SearchQuery(tenant, ANY_VECTOR, 10, Map.of("doc", "doc-" + d))).isEmpty()) {
                n++;
            }
        }
        return n;
    }

    private JsonNode get(URI uri) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode json = EventJson.mapper().readTree(r.body());
        ((com.fasterxml.jackson.databind.node.ObjectNode) json).put("httpStatus", r.statusCode());
        return json;
    }

    /** The status of one readiness check of the embed-service, e.g. {@code embed-model}: UP or DOWN. */
    private String check(JsonNode ready, String name) {
        for (JsonNode c : ready.path("checks")) {
            if (name.equals(c.path("name").asText())) {
                return c.path("status").asText();
            }
        }
        return "absent";
    }

    @Test
    void anEmbeddingServerOutageIsRetriedAndEveryDocumentIsIndexed() throws Exception {
        String tenant = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        int total = DOCS_BEFORE + DOCS_DURING;
        // the fingerprint is the remote model's name: opening it as ONNX's "all-minilm-l6-v2" would be refused
        IndexFingerprint fingerprint = new IndexFingerprint(TeiServerDouble.MODEL_ID, 384);
        assertThat(check(get(embed.managementUri("/q/health/ready")), "embed-model")).isEqualTo("UP");

        for (int d = 0; d < DOCS_BEFORE; d++) {
            produce(tenant, d);
        }
        Path indexDir = dataDir.resolve("index");
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        try (LuceneReaderIndex reader = LuceneReaderIndex.open(indexDir, fingerprint, LuceneOptions.defaults())) {
            while (indexed(reader, tenant, DOCS_BEFORE) < DOCS_BEFORE) {
                assertThat(System.nanoTime()).as("the first documents indexed before the outage").isLessThan(deadline);
                Thread.sleep(100);
            }
            int failedBefore = tei.requestsFailed();

            tei.failFor(Duration.ofSeconds(OUTAGE_SECONDS), EmbeddingServerDouble.Outage.UNAVAILABLE_503);
            long outageStart = System.nanoTime();
            long outageEnd = outageStart + Duration.ofSeconds(OUTAGE_SECONDS).toNanos();
            boolean sawDown = false;
            String downReason = null;
            int produced = DOCS_BEFORE;
            int indexedDuring = 0;
            // documents keep arriving through the outage, one every 300 ms
            while (tei.failing()) {
                if (produced < total) {
                    produce(tenant, produced++);
                }
                JsonNode ready = get(embed.managementUri("/q/health/ready"));
                if ("DOWN".equals(check(ready, "embed-model"))) {
                    sawDown = true;
                    downReason = ready.path("httpStatus").asText();
                }
                int indexedNow = indexed(reader, tenant, total) - DOCS_BEFORE;
                if (tei.failing()) {
                    // counted only if the outage still lasted after the read: the read may straddle its end
                    indexedDuring = Math.max(indexedDuring, indexedNow);
                }
                Thread.sleep(300);
            }
            while (produced < total) {
                produce(tenant, produced++);
            }
            long recoveredAt;
            deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (true) {
                if (indexed(reader, tenant, total) == total) {
                    recoveredAt = System.nanoTime();
                    break;
                }
                assertThat(System.nanoTime()).as("every document indexed after the outage").isLessThan(deadline);
                Thread.sleep(100);
            }
            double recovery = (recoveredAt - Math.max(outageEnd, outageStart)) / 1e9;
            int failedRequests = tei.requestsFailed() - failedBefore;

            List<ConsumerRecord<String, String>> dead = broker.consumeAll(topics.dlq(), Duration.ofSeconds(3));
            String key = KeysFile.append(keysFile, tenant, Role.READER);
            List<String> found = new ArrayList<>();
            for (int d = 0; d < total; d += 7) {
                found.add(topHit(tenant, key, "what should a beginner know about " + SUBJECTS[d]));
            }
            JsonNode readyAfter = get(embed.managementUri("/q/health/ready"));

            System.out.printf("FAULT embedder-outage: did make the TEI test server answer 503 for %d s while %d of %d"
                            + " documents were produced; found %d failed embedding requests, embed-model readiness %s during"
                            + " the outage (HTTP %s), %d documents indexed during it, %d records in %s, %d/%d documents"
                            + " indexed and searchable through the query-service on the same backend; recovered in %.1f s%n",
                    OUTAGE_SECONDS, DOCS_DURING, total, failedRequests, sawDown ? "DOWN" : "never DOWN", downReason,
                    indexedDuring, dead.size(), Topics.DLQ, indexed(reader, tenant, total), total, recovery);

            assertThat(failedRequests).as("the server failed requests during the outage").isPositive();
            assertThat(sawDown).as("readiness embed-model DOWN during the outage").isTrue();
            assertThat(indexedDuring).as("nothing can be embedded while the server is down").isZero();
            assertThat(dead).as("nothing dead-lettered").isEmpty();
            assertThat(check(readyAfter, "embed-model")).as("readiness back UP").isEqualTo("UP");
            for (int i = 0, d = 0; d < total; i++, d += 7) {
                assertThat(found.get(i)).as("search for document %d", d).isEqualTo("doc-" + d);
            }
        }
    }

    /** The docId of the query-service's best hit; the query is embedded by the query-service through TEI too. */
    private String topHit(String tenant, String key, String text) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(query.uri("/v1/tenants/" + tenant + "/search"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(EventJson.mapper().writeValueAsString(Map.of("query", text, "topK", 1)),
                        StandardCharsets.UTF_8)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("search answered: %s", r.body()).isEqualTo(200);
        return EventJson.mapper().readTree(r.body()).path("hits").path(0).path("docId").asText();
    }
}
