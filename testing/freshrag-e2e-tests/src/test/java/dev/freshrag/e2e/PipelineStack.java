package dev.freshrag.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Topics;
import dev.freshrag.events.WriteToken;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneReaderIndex;
import dev.freshrag.security.KeysFile;
import dev.freshrag.security.Role;
import dev.freshrag.testkit.KafkaBroker;
import dev.freshrag.launcher.FreePorts;
import dev.freshrag.launcher.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The whole pipeline as it runs in production, on one machine: a real KRaft broker in this JVM and the
 * three packaged services as separate processes, the embed-service writing the Lucene index and the
 * query-service reading it. Started once per test JVM; tests isolate themselves by tenant.
 */
public final class PipelineStack {

    private static PipelineStack shared;

    /** The Debezium topic of the table {@code public.pages} that the ingest-service maps (DebeziumPostgresIT). */
    public static final String CDC_TOPIC = "e2e.public.pages";
    /** The tenant that mapping writes to. */
    public static final String CDC_TENANT = "cdc-pages";

    public final KafkaBroker broker;
    public final Path dataDir;
    public final Path indexDir;
    public final Path keysFile;
    private final Map<String, String> keys = new java.util.concurrent.ConcurrentHashMap<>();
    public ServiceProcess ingest;
    public ServiceProcess embed;
    public ServiceProcess query;
    private final ServiceProcess.Builder embedSpec;
    private final ServiceProcess.Builder ingestSpec;
    private final ServiceProcess.Builder querySpec;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final KafkaProducer<byte[], byte[]> producer;

    public static synchronized PipelineStack shared() {
        if (shared == null) {
            shared = new PipelineStack();
        }
        return shared;
    }

    private PipelineStack() {
        broker = KafkaBroker.shared();
        broker.createTopics(Topics.specs(KafkaBroker.TEST_PARTITIONS));
        // a mapped source topic must exist before the ingest-service starts (as Debezium's would in production)
        broker.createTopics(java.util.List.of(new Topics.Spec(CDC_TOPIC, KafkaBroker.TEST_PARTITIONS, Map.of())));
        try {
            dataDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "stack-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        indexDir = dataDir.resolve("index");
        keysFile = dataDir.resolve("keys");
        try {
            Files.writeString(keysFile, "# API keys of the end-to-end tests (hashes only)\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> common = Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "FRESHRAG_INDEX_LUCENE_PATH", indexDir.toString(),
                "FRESHRAG_SECURITY_KEYS_FILE", keysFile.toString(),
                "OPT_OUT_TRACKING", "true");
        Path logs = Path.of("target", "service-logs").toAbsolutePath();
        // the embed-service builds the index with all-MiniLM-L6-v2 (half bge-small's CPU per chunk: the suite is about
        // the pipeline); the query- and ingest-service run with the model unset, as after an upgrade from before the
        // default changed, so every test also checks that they adopt the model the index holds
        embedSpec = ServiceProcess.forModule("embed-service").env(common).env("FRESHRAG_EMBEDDING_MODEL", "all-minilm-l6-v2")
                .logDirectory(logs)
                .port(FreePorts.next()).jvmArgs("-Xmx768m");
        embed = embedSpec.start();
        ingestSpec = ServiceProcess.forModule("ingest-service").env(common)
                .env("KAFKA_STREAMS_STATE_DIR", dataDir.resolve("streams").toString())
                .systemProperties(cdcMapping())
                .logDirectory(logs).port(FreePorts.next()).jvmArgs("-Xmx512m");
        ingest = ingestSpec.start();
        // the console on the query-service reads the other two services' health and metrics
        querySpec = ServiceProcess.forModule("query-service").env(common).logDirectory(logs)
                .env("FRESHRAG_CONSOLE_INGEST_URL", "http://127.0.0.1:" + ingest.port())
                .env("FRESHRAG_CONSOLE_INGEST_MANAGEMENT_URL", ingest.managementUrl())
                .env("FRESHRAG_CONSOLE_EMBED_MANAGEMENT_URL", embed.managementUrl())
                .port(FreePorts.next()).jvmArgs("-Xmx512m");
        query = querySpec.start();
        producer = broker.newByteProducer();
    }

    /**
     * The Debezium source mapping of the table {@code pages(doc text primary key, title text, body text, team text,
     * views int)}: docId = doc, metadata = doc and team (doc is what {@link IndexInspector} lists chunks by), the LSN
     * as version, views deliberately unmapped.
     */
    private static Map<String, String> cdcMapping() {
        String p = "freshrag.sources.debezium.pages.";
        return Map.of(p + "topic", CDC_TOPIC, p + "tenant", CDC_TENANT, p + "doc-id-columns", "doc",
                p + "title-column", "title", p + "content-column", "body", p + "content-type", "text/plain",
                p + "metadata-columns", "doc,team", p + "version", "lsn");
    }

    /**
     * Stops the ingest-service with SIGTERM (a clean shutdown, as {@code ./freshrag down} or Kubernetes does it) and
     * starts it again on the same state directory, broker and port; returns once it reports ready.
     */
    public synchronized void restartIngest() {
        ingest = ingest.restart();
    }

    /**
     * Like {@link #restartIngest()}, with an environment variable set from now on (every later restart keeps it): how
     * a test changes the ingest-service's configuration, e.g. raises a limit that dead-lettered an event.
     */
    public synchronized void restartIngestWith(String variable, String value) {
        ingest.stop();
        ingest = ingestSpec.env(variable, value).start();
    }

    /** Stops the embed-service with SIGTERM and starts it again on the same index; returns once it reports ready. */
    public synchronized void restartEmbed() {
        embed = embed.restart();
    }

    /**
     * Starts one more ingest-service in the same Streams group (its own port and state directory, the same topology;
     * a dynamic member, so that it leaves the group at once when stopped and the shared instance takes its partitions
     * back); returns once it holds partitions. The caller stops it.
     */
    public synchronized ServiceProcess startAnotherIngest(String name) {
        return ServiceProcess.forModule("ingest-service")
                .env("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers())
                .env("FRESHRAG_SECURITY_KEYS_FILE", keysFile.toString())
                .env("OPT_OUT_TRACKING", "true")
                .env("KAFKA_STREAMS_STATE_DIR", dataDir.resolve("streams-" + name).toString())
                .env("FRESHRAG_STREAMS_MEMBERSHIP", "dynamic")
                .systemProperties(cdcMapping())
                .logDirectory(Path.of("target", "service-logs").toAbsolutePath())
                .port(FreePorts.next()).jvmArgs("-Xmx512m").start();
    }

    /**
     * Stops the query-service and starts it with these environment variables added (they stay for later restarts:
     * a test that changes one sets it back), on the same index and port; returns once it is ready.
     */
    public synchronized void restartQueryWith(Map<String, String> variables) {
        query.stop();
        query = querySpec.env(variables).start();
    }

    /** Stops the query-service with SIGTERM and starts it again on the same index and port; returns once it is ready. */
    public synchronized void restartQuery() {
        query = query.restart();
    }

    /**
     * Stops the query- and embed-service (SIGTERM), deletes the Lucene index directory (a lost disk) and starts both
     * again on the same ports; returns once both are ready. Kafka, the offsets and the ingest state are untouched, so
     * nothing re-fills the index by itself.
     */
    public synchronized void restartEmbedAndQueryOnAnEmptyIndex() {
        query.stop();
        embed.stop();
        try (java.util.stream.Stream<Path> files = Files.walk(indexDir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        embed = embed.restart();
        query = query.restart();
    }

    /** Kills the embed-service without a clean shutdown (no offset commit, no index close) and starts a new one. */
    public synchronized void crashAndRestartEmbed() {
        crashAndRestartEmbed(() -> { });
    }

    /**
     * Like {@link #crashAndRestartEmbed()}, running {@code whileDown} after the SIGKILLed process is gone and before
     * the new one starts (to look at what the dead process left behind: its committed offsets, the index).
     */
    public synchronized void crashAndRestartEmbed(Runnable whileDown) {
        embed.kill();
        whileDown.run();
        embed = embedSpec.start();
    }

    public String ingestUrl() {
        return "http://127.0.0.1:" + ingest.port();
    }

    public String queryUrl() {
        return "http://127.0.0.1:" + query.port();
    }

    public String embedUrl() {
        return "http://127.0.0.1:" + embed.port();
    }

    /** Health and metrics: each service serves them on its management port, apart from its API. */
    public String ingestManagementUrl() {
        return ingest.managementUrl();
    }

    public String queryManagementUrl() {
        return query.managementUrl();
    }

    public String embedManagementUrl() {
        return embed.managementUrl();
    }

    public static String encode(String docId) {
        return URLEncoder.encode(docId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** An HTTP answer: status, content type and parsed JSON body (null when not JSON). */
    public record Answer(int status, String contentType, String body, JsonNode json) {
    }

    /** A key of that tenant and role, made once (appended to the keys file the services read). */
    public String key(String tenant, Role role) {
        return keys.computeIfAbsent(tenant + "/" + role, k -> {
            try {
                return KeysFile.append(keysFile, tenant, role);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** An operator key (bound to no tenant), made once. */
    public String operatorKey() {
        return key(KeysFile.NO_TENANT, Role.OPERATOR);
    }

    public Answer send(String method, String url, Object body) {
        return send(method, url, body, null);
    }

    /** Sends with {@code Authorization: Bearer <key>} unless the key is null; waits up to 60 s for the answer. */
    public Answer send(String method, String url, Object body, String key) {
        return send(method, url, body, key, Duration.ofSeconds(60));
    }

    public Answer send(String method, String url, Object body, String key, Duration timeout) {
        try {
            HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : EventJson.write(body));
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .header("Content-Type", "application/json").method(method, publisher);
            if (key != null) {
                builder.header("Authorization", "Bearer " + key);
            }
            HttpRequest request = builder.build();
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            String type = r.headers().firstValue("Content-Type").orElse("");
            JsonNode json = null;
            if (type.contains("json") && !r.body().isEmpty()) {
                json = EventJson.mapper().readTree(r.body());
            }
            return new Answer(r.statusCode(), type, r.body(), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Answer put(String tenant, String docId, Object body) {
        return send("PUT", ingestUrl() + "/v1/tenants/" + tenant + "/documents/" + encode(docId), body, key(tenant, Role.WRITER));
    }

    public Answer delete(String tenant, String docId) {
        return send("DELETE", ingestUrl() + "/v1/tenants/" + tenant + "/documents/" + encode(docId), null, key(tenant, Role.WRITER));
    }

    public Answer search(String tenant, Map<String, Object> request) {
        return send("POST", queryUrl() + "/v1/tenants/" + tenant + "/search", request, key(tenant, Role.READER));
    }

    public Answer document(String tenant, String docId) {
        return send("GET", queryUrl() + "/v1/tenants/" + tenant + "/documents/" + encode(docId), null, key(tenant, Role.READER));
    }

    /** Produces an event straight to kb.doc-changes, as a content system would; answers its write token. */
    public WriteToken produce(DocumentChange event) {
        return produceRaw(event.key().toBytes(), EventJson.write(event), event.tenant());
    }

    public WriteToken produceRaw(byte[] key, byte[] value, String tenant) {
        try {
            RecordMetadata m = producer.send(new ProducerRecord<>(Topics.DOC_CHANGES, key, value)).get();
            return new WriteToken(tenant, m.partition(), m.offset());
        } catch (Exception e) {
            throw new IllegalStateException("produce failed", e);
        }
    }

    /** Opens the index read-only, as a second reader process would, to inspect exactly what it holds. */
    public LuceneReaderIndex openIndexReader() {
        return LuceneReaderIndex.open(indexDir, new IndexFingerprint("all-minilm-l6-v2", 384), LuceneOptions.defaults());
    }

    /** A Prometheus counter's value from a service's /q/metrics (sum over tags); {@code baseUrl}: its management URL. */
    public double metric(String baseUrl, String name) {
        Answer a = send("GET", baseUrl + "/q/metrics", null);
        double sum = 0;
        for (String line : a.body().split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
