package dev.freshrag.testkit;

import dev.freshrag.events.Topics;
import dev.freshrag.localkafka.SingleNodeBroker;
import kafka.server.BrokerServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One real KRaft broker (combined broker+controller node) per test JVM, started on first use of
 * {@link #shared()} and stopped by a JVM shutdown hook. Tests should create their own topics with
 * {@link #createTopics(String)} so that they do not see each other's records.
 *
 * <p>Auto topic creation is off: a test that writes to a topic nobody created fails instead of
 * silently creating a one-partition topic with default config.
 */
public final class KafkaBroker {

    /** Partitions used by {@link #createTopics(String)}; kb.chunk-ops gets as many as kb.doc-changes. */
    public static final int TEST_PARTITIONS = 3;

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger GROUP_SEQ = new AtomicInteger();
    private static final List<Logger> QUIETED = new ArrayList<>();
    private static KafkaBroker shared;

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;
    private final Admin admin;
    private volatile KafkaProducer<byte[], byte[]> producer;

    /** The names of the standard topics as created for one test, see {@link #createTopics(String)}. */
    public record TopicNames(String docChanges, String chunkOps, String chunkOpsBulk, String dlq, String tenantConfig, String docLog,
                             String docChangesBulk, String generations) {

        public List<String> all() {
            return List.of(docChanges, chunkOps, chunkOpsBulk, dlq, tenantConfig, docLog, docChangesBulk, generations);
        }

        /**
         * Maps a standard name ({@link Topics#DOC_CHANGES} etc.) to this set's name; lets callers build
         * service configuration without repeating the topic names.
         */
        public String forStandardName(String standardName) {
            if (standardName.equals(Topics.DOC_CHANGES)) {
                return docChanges;
            } else if (standardName.equals(Topics.CHUNK_OPS)) {
                return chunkOps;
            } else if (standardName.equals(Topics.CHUNK_OPS_BULK)) {
                return chunkOpsBulk;
            } else if (standardName.equals(Topics.DLQ)) {
                return dlq;
            } else if (standardName.equals(Topics.TENANT_CONFIG)) {
                return tenantConfig;
            } else if (standardName.equals(Topics.DOC_LOG)) {
                return docLog;
            } else if (standardName.equals(Topics.DOC_CHANGES_BULK)) {
                return docChangesBulk;
            } else if (standardName.equals(Topics.GENERATIONS)) {
                return generations;
            }
            throw new IllegalArgumentException("not a FreshRAG topic: " + standardName);
        }
    }

    /** The broker of this JVM, started (about 3 s) on the first call. */
    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            shared = start();
            KafkaBroker broker = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(broker::shutdown, "freshrag-kafka-broker-stop"));
        }
        return shared;
    }

    private static KafkaBroker start() {
        quietBrokerLogs();
        Path baseDir;
        try {
            // our own directory: the test kit's default temp directory is deleted by a shutdown hook of its
            // own that races with the broker shutdown (IOExceptions in the log)
            baseDir = Files.createTempDirectory("freshrag-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setBaseDirectory(baseDir)
                    .setBootstrapMetadataVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes).setDeleteOnClose(true);
            SingleNodeBroker.settings().forEach(builder::setConfigProp);
            KafkaClusterTestKit cluster = builder.build();
            try {
                cluster.format();
                cluster.startup();
                cluster.waitForReadyBrokers();
            } catch (Exception | Error e) {
                closeQuietly(cluster);
                throw e;
            }
            return new KafkaBroker(cluster);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the in-JVM Kafka broker", e);
        }
    }

    /**
     * The broker logs thousands of INFO lines per test run; keep its server-side loggers at WARN unless
     * {@code -Dfreshrag.testkit.broker-log-level=INFO} (also WARN, ERROR, DEBUG or a java.util.logging level name). Client loggers are
     * left alone. Only effective when SLF4J logs through java.util.logging (JBoss LogManager, as in Quarkus
     * tests); a Quarkus application's own {@code quarkus.log.category} settings win for the categories they
     * name.
     */
    private static void quietBrokerLogs() {
        String wanted = System.getProperty("freshrag.testkit.broker-log-level", "WARN").trim().toUpperCase();
        Level level;
        switch (wanted) {
            case "WARN" -> level = Level.WARNING;
            case "ERROR" -> level = Level.SEVERE;
            case "DEBUG" -> level = Level.FINE;
            case "TRACE" -> level = Level.FINEST;
            default -> {
                try {
                    level = Level.parse(wanted);
                } catch (IllegalArgumentException e) {
                    level = Level.WARNING;
                }
            }
        }
        for (String name : List.of("kafka", "state.change.logger", "org.apache.kafka.server", "org.apache.kafka.storage",
                "org.apache.kafka.raft", "org.apache.kafka.controller", "org.apache.kafka.metadata",
                "org.apache.kafka.image", "org.apache.kafka.coordinator", "org.apache.kafka.common.test",
                "org.apache.kafka.common.network", "org.apache.kafka.common.security",
                "org.apache.kafka.common.utils.AppInfoParser", "org.apache.kafka.queue", "org.apache.kafka.snapshot",
                "org.apache.kafka.security", "org.apache.kafka.network")) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(level);
            QUIETED.add(logger); // JUL keeps loggers weakly: hold them so the level sticks
        }
    }

    private KafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
        this.bootstrapServers = cluster.bootstrapServers();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "freshrag-testkit-admin");
        this.admin = Admin.create(p);
    }

    private synchronized void shutdown() {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(2));
        }
        admin.close(Duration.ofSeconds(2));
        closeQuietly(cluster);
    }

    private static void closeQuietly(KafkaClusterTestKit cluster) {
        try {
            cluster.close();
        } catch (Exception e) {
            System.err.println("freshrag-testkit: error while stopping the Kafka broker: " + e);
        }
    }

    /**
     * Restarts the broker mid-run, as an operator's restart of the broker process would: the broker role of the
     * combined node shuts down (clients lose their connections, nothing is served), stays down for {@code down},
     * and starts again on the same log directory and the same port (the test kit keeps the port bound across
     * restarts). The KRaft controller keeps running, so the cluster metadata is not replayed. Returns once every
     * partition has a leader again. Everything in this JVM that uses the broker sees the outage: callers make sure
     * nothing else runs meanwhile.
     */
    public synchronized void restart(Duration down) {
        String before = cluster.bootstrapServers();
        for (BrokerServer b : cluster.brokers().values()) {
            b.shutdown();
            b.awaitShutdown();
        }
        try {
            Thread.sleep(down.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the broker was down", e);
        }
        for (BrokerServer b : cluster.brokers().values()) {
            b.startup();
        }
        try {
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            throw new IllegalStateException("the restarted broker did not become ready", e);
        }
        if (!cluster.bootstrapServers().equals(before)) {
            throw new IllegalStateException("the broker came back on " + cluster.bootstrapServers() + ", not " + before);
        }
        try {
            awaitLeaders(List.copyOf(admin.listTopics().names().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)));
        } catch (Exception e) {
            throw new IllegalStateException("could not list the topics after the broker restart", e);
        }
    }

    /** e.g. {@code localhost:41234}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** An Admin client owned by the broker; do not close it. */
    public Admin admin() {
        return admin;
    }

    // ---------------------------------------------------------------- topics

    /** Creates the topics; topics that already exist are left as they are. */
    public void createTopics(Collection<Topics.Spec> specs) {
        List<NewTopic> newTopics = specs.stream()
                .map(s -> new NewTopic(s.name(), s.partitions(), (short) 1).configs(s.config()))
                .toList();
        var result = admin.createTopics(newTopics);
        for (var e : result.values().entrySet()) {
            try {
                e.getValue().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException ex) {
                if (!(ex.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("could not create topic " + e.getKey(), ex.getCause());
                }
            } catch (Exception ex) {
                throw new IllegalStateException("could not create topic " + e.getKey(), ex);
            }
        }
        awaitLeaders(specs.stream().map(Topics.Spec::name).toList());
    }

    /** Producing right after creation can hit NOT_LEADER errors until every partition has a leader. */
    private void awaitLeaders(List<String> topics) {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> d = admin.describeTopics(topics).allTopicNames()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (d.values().stream().flatMap(t -> t.partitions().stream()).allMatch(p -> p.leader() != null)) {
                    return;
                }
            } catch (ExecutionException e) {
                // UnknownTopicOrPartition until the metadata has propagated
            } catch (Exception e) {
                throw new IllegalStateException("could not describe topics " + topics, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + topics + " have no leaders after " + ADMIN_TIMEOUT);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The standard topics ({@link Topics#specs(int)}) with their default names and the given partitions. */
    public TopicNames createStandardTopics(int partitions) {
        return createTopics("", partitions);
    }

    /**
     * Creates the standard topics ({@link Topics#specs(int)}, {@value #TEST_PARTITIONS} partitions) under
     * the names {@code prefix + standardName}, e.g. {@code "t42-kb.doc-changes"}.
     */
    public TopicNames createTopics(String prefix) {
        return createTopics(prefix, TEST_PARTITIONS);
    }

    public TopicNames createTopics(String prefix, int partitions) {
        List<Topics.Spec> specs = Topics.specs(partitions).stream()
                .map(s -> new Topics.Spec(prefix + s.name(), s.partitions(), s.config()))
                .toList();
        createTopics(specs);
        return new TopicNames(prefix + Topics.DOC_CHANGES, prefix + Topics.CHUNK_OPS, prefix + Topics.CHUNK_OPS_BULK, prefix + Topics.DLQ,
                prefix + Topics.TENANT_CONFIG, prefix + Topics.DOC_LOG, prefix + Topics.DOC_CHANGES_BULK, prefix + Topics.GENERATIONS);
    }

    /** A prefix that no other caller in this JVM gets, e.g. {@code "t-3f9a1c2e-"}. */
    public static String uniquePrefix() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    /** Shorthand for {@code createTopics(uniquePrefix())}. */
    public TopicNames createUniqueTopics() {
        return createTopics(uniquePrefix());
    }

    public TopicDescription describeTopic(String topic) {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
        } catch (Exception e) {
            throw new IllegalStateException("could not describe topic " + topic, e);
        }
    }

    /** The topic's effective configuration (explicit and default entries). */
    public Map<String, String> topicConfig(String topic) {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try {
            Config config = admin.describeConfigs(List.of(r)).all()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(r);
            Map<String, String> out = new HashMap<>();
            for (ConfigEntry e : config.entries()) {
                if (e.value() != null) {
                    out.put(e.name(), e.value());
                }
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("could not describe the config of topic " + topic, e);
        }
    }

    // ---------------------------------------------------------------- clients

    /** Producer settings (bootstrap, acks=all, idempotence, max.request.size for the largest record). */
    public Map<String, Object> producerConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_MESSAGE_BYTES);
        c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return c;
    }

    /**
     * Consumer settings: a fresh group id, earliest offsets, read_committed (what downstream consumers of
     * transactional producers see), no auto commit.
     */
    public Map<String, Object> consumerConfig() {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "freshrag-testkit-" + GROUP_SEQ.incrementAndGet() + "-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MESSAGE_BYTES + 1024 * 1024);
        c.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Topics.MAX_MESSAGE_BYTES + 1024 * 1024);
        return c;
    }

    /** A new producer; the caller closes it. */
    public <K, V> KafkaProducer<K, V> newProducer(Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        return new KafkaProducer<>(producerConfig(), keySerializer, valueSerializer);
    }

    public KafkaProducer<String, String> newStringProducer() {
        return newProducer(new StringSerializer(), new StringSerializer());
    }

    public KafkaProducer<byte[], byte[]> newByteProducer() {
        return newProducer(new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A new consumer with {@link #consumerConfig()}; the caller closes it. */
    public <K, V> KafkaConsumer<K, V> newConsumer(Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        return new KafkaConsumer<>(consumerConfig(), keyDeserializer, valueDeserializer);
    }

    public KafkaConsumer<String, String> newStringConsumer() {
        return newConsumer(new StringDeserializer(), new StringDeserializer());
    }

    public KafkaConsumer<byte[], byte[]> newByteConsumer() {
        return newConsumer(new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> sharedProducer() {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = newByteProducer();
                }
                p = producer;
            }
        }
        return p;
    }

    // ---------------------------------------------------------------- produce

    /**
     * Sends one record and waits for the broker's acknowledgement. A {@code null} value is a tombstone.
     * Header values are UTF-8.
     */
    public RecordMetadata produce(String topic, String key, String value, Map<String, String> headers) {
        return produce(topic, utf8(key), utf8(value), headers);
    }

    public RecordMetadata produce(String topic, String key, String value) {
        return produce(topic, key, value, Map.of());
    }

    public RecordMetadata produce(String topic, byte[] key, byte[] value, Map<String, String> headers) {
        List<Header> hs = new ArrayList<>();
        headers.forEach((k, v) -> hs.add(new RecordHeader(k, utf8(v))));
        return produce(new ProducerRecord<>(topic, null, key, value, hs));
    }

    /** Sends one record as it is and waits for the acknowledgement. */
    public RecordMetadata produce(ProducerRecord<byte[], byte[]> record) {
        try {
            return sharedProducer().send(record).get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not produce to " + record.topic() + ": " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException("could not produce to " + record.topic(), e);
        }
    }

    // ---------------------------------------------------------------- consume

    /**
     * Every committed record in the topic now, in partition then offset order: reads all partitions from
     * the beginning up to the end offsets taken at the start. Fails if that takes longer than
     * {@code timeout}.
     */
    public List<ConsumerRecord<String, String>> consumeAll(String topic, Duration timeout) {
        try (KafkaConsumer<String, String> c = newStringConsumer()) {
            return readToEnd(c, topic, timeout);
        }
    }

    /** Like {@link #consumeAll(String, Duration)} with raw bytes. */
    public List<ConsumerRecord<byte[], byte[]>> consumeAllBytes(String topic, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> c = newByteConsumer()) {
            return readToEnd(c, topic, timeout);
        }
    }

    private <K, V> List<ConsumerRecord<K, V>> readToEnd(KafkaConsumer<K, V> c, String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TopicPartition> parts = assignAll(c, topic);
        Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
        List<ConsumerRecord<K, V>> out = new ArrayList<>();
        while (!reached(c, end)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("could not read " + topic + " to its end offsets " + end + " within " + timeout
                        + " (read " + out.size() + " records)");
            }
            c.poll(Duration.ofMillis(100)).forEach(out::add);
        }
        return sortByPartitionAndOffset(out);
    }

    private static <K, V> boolean reached(KafkaConsumer<K, V> c, Map<TopicPartition, Long> end) {
        for (var e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the topic from the beginning, following new records, until {@code until} holds for all records
     * read so far; returns them (in arrival order). Fails with the records seen if it does not hold within
     * {@code timeout}.
     */
    public List<ConsumerRecord<String, String>> awaitRecords(String topic,
            Predicate<List<ConsumerRecord<String, String>>> until, Duration timeout) {
        try (KafkaConsumer<String, String> c = newStringConsumer()) {
            assignAll(c, topic);
            long deadline = System.nanoTime() + timeout.toNanos();
            List<ConsumerRecord<String, String>> out = new ArrayList<>();
            while (true) {
                if (until.test(out)) {
                    return out;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("condition on " + topic + " not met within " + timeout + "; "
                            + out.size() + " records: " + summary(out));
                }
                c.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
    }

    /** Waits for {@code count} or more records in the topic and returns all read. */
    public List<ConsumerRecord<String, String>> awaitRecords(String topic, int count, Duration timeout) {
        return awaitRecords(topic, rs -> rs.size() >= count, timeout);
    }

    /** The first record (from the beginning of the topic) that matches, waiting up to {@code timeout}. */
    public ConsumerRecord<String, String> awaitRecord(String topic, Predicate<ConsumerRecord<String, String>> match,
            Duration timeout) {
        List<ConsumerRecord<String, String>> rs = awaitRecords(topic, l -> l.stream().anyMatch(match), timeout);
        return rs.stream().filter(match).findFirst().orElseThrow();
    }

    /** The last header of that name as UTF-8, or null. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** All headers as UTF-8 strings (last value wins for repeated names). */
    public static Map<String, String> headers(ConsumerRecord<?, ?> record) {
        Map<String, String> out = new HashMap<>();
        for (Header h : record.headers()) {
            out.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private <K, V> List<TopicPartition> assignAll(KafkaConsumer<K, V> c, String topic) {
        int partitions = describeTopic(topic).partitions().size();
        List<TopicPartition> parts = new ArrayList<>();
        for (int i = 0; i < partitions; i++) {
            parts.add(new TopicPartition(topic, i));
        }
        c.assign(parts);
        c.seekToBeginning(parts);
        return parts;
    }

    private static <K, V> List<ConsumerRecord<K, V>> sortByPartitionAndOffset(List<ConsumerRecord<K, V>> rs) {
        List<ConsumerRecord<K, V>> sorted = new ArrayList<>(rs);
        sorted.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return sorted;
    }

    private static String summary(List<ConsumerRecord<String, String>> rs) {
        return rs.stream().limit(20)
                .map(r -> r.partition() + "@" + r.offset() + " key=" + r.key() + " value="
                        + (r.value() == null ? "null" : r.value().length() > 80 ? r.value().substring(0, 80) + "..." : r.value()))
                .collect(Collectors.joining("; ", "[", rs.size() > 20 ? "; ...]" : "]"));
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
