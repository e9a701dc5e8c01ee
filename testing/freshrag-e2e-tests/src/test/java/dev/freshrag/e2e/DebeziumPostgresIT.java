package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.SearchHit;
import dev.freshrag.events.Priority;
import dev.freshrag.events.Topics;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Change data capture from a real PostgreSQL (a throw-away cluster with logical decoding) through the real Debezium
 * PostgreSQL connector (pgoutput, in Debezium's embedded engine, JsonConverter with schemas) into the real broker, where
 * the packaged ingest-service reads it through its source mapping ({@link PipelineStack#CDC_TOPIC}) and the embed- and
 * query-services index and serve it. After each step the index must hold exactly the table's rows: one document per
 * row with the row's text and mapped metadata, nothing for deleted rows.
 */
class DebeziumPostgresIT {

    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(120);

    private static PipelineStack stack;
    private static PostgresCluster postgres;
    private static Connection db;
    private static DebeziumEngine<ChangeEvent<String, String>> engine;
    private static ExecutorService engineThread;
    private static KafkaProducer<String, String> producer;
    private static final AtomicReference<Throwable> engineFailure = new AtomicReference<>();

    @BeforeAll
    static void start() throws SQLException {
        Optional<Path> bin = PostgresCluster.serverBinaries();
        Assumptions.assumeTrue(bin.isPresent(), "skipped: no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
                + " (Debian's postgresql package; .ci/run installs it, so CI never skips this test)");
        postgres = PostgresCluster.start(bin.get(), Path.of("target", "postgres"));
        db = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "");
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE pages (doc text PRIMARY KEY, title text, body text NOT NULL, team text, views int NOT NULL DEFAULT 0)");
        }
        // rows that exist before the connector starts: they arrive as its snapshot (op r, the bulk lane)
        upsert("leave", "Leave", "Employees receive twenty-five days of paid vacation every calendar year.", "hr");
        upsert("travel", "Travel", "Book train tickets for every trip shorter than five hundred kilometres.", "ops");
        upsert("security", "Security", "Badge access logs are reviewed by the security team every quarter.", "it");

        stack = PipelineStack.shared();
        producer = stack.broker.newStringProducer();
        engine = DebeziumEngine.create(Json.class).using(connectorConfig())
                .notifying(DebeziumPostgresIT::publish)
                .using((success, message, error) -> {
                    if (!success) {
                        engineFailure.set(error != null ? error : new IllegalStateException(message));
                    }
                })
                .build();
        engineThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "debezium-engine"));
        engineThread.execute(engine);
    }

    /** The connector as a Kafka Connect deployment would configure it, writing JSON with schemas (Connect's default). */
    private static Properties connectorConfig() {
        Properties p = new Properties();
        p.setProperty("name", "freshrag-e2e-pages");
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("database.hostname", "127.0.0.1");
        p.setProperty("database.port", Integer.toString(postgres.port()));
        p.setProperty("database.user", "postgres");
        p.setProperty("database.password", "");
        p.setProperty("database.dbname", "postgres");
        p.setProperty("topic.prefix", "e2e");
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", "freshrag_e2e");
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("table.include.list", "public.pages");
        p.setProperty("snapshot.mode", "initial");
        p.setProperty("converter.schemas.enable", "true");
        p.setProperty("key.converter.schemas.enable", "true");
        p.setProperty("value.converter.schemas.enable", "true");
        return p;
    }

    /** What Kafka Connect's worker does with each record: produce it to its topic (tombstones included). */
    private static void publish(ChangeEvent<String, String> change) {
        try {
            producer.send(new ProducerRecord<>(change.destination(), change.key(), change.value())).get();
        } catch (Exception e) {
            engineFailure.compareAndSet(null, e);
            throw new IllegalStateException("could not produce a change event", e);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (engine != null) {
            engine.close();
            engineThread.shutdown();
            engineThread.awaitTermination(30, TimeUnit.SECONDS);
        }
        if (producer != null) {
            producer.close();
        }
        if (db != null) {
            db.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theIndexFollowsTheTableThroughSnapshotInsertsUpdatesAndDeletes() throws Exception {
        try (IndexInspector index = new IndexInspector(stack)) {
            awaitIndexMatchesTable(index, "the snapshot of existing rows");

            upsert("expenses", "Expenses", "Submit expense reports within thirty days of the purchase.", "finance");
            awaitIndexMatchesTable(index, "an insert");
            // the snapshot's reads travelled in the bulk lane, the insert in the live lane
            Map<String, List<ConsumerRecord<String, String>>> events = docChanges();
            for (String doc : List.of("leave", "travel", "security")) {
                assertThat(events.get(doc)).singleElement().satisfies(r -> assertThat(priority(r)).as(doc).isEqualTo("bulk"));
            }
            assertThat(events.get("expenses")).singleElement().satisfies(r -> assertThat(priority(r)).isNull());

            // an update of the content: timed from the commit until the query-service finds the new text
            long committed = System.nanoTime();
            upsert("leave", "Leave", "Employees receive thirty-two days of paid vacation every calendar year.", "hr");
            long searchableMs = awaitSearchable("how many vacation days do employees get", "thirty-two days", committed);
            awaitIndexMatchesTable(index, "an update of the content");
            System.out.printf("debezium: a row update (PostgreSQL commit -> pgoutput -> Debezium -> kb.doc-changes -> index)"
                    + " was searchable %d ms after its commit%n", searchableMs);

            upsert("travel", "Travel", "Book train tickets for every trip shorter than five hundred kilometres.", "procurement");
            awaitIndexMatchesTable(index, "an update of metadata only");

            // an update of an unmapped column only makes no work: once the ingest-service has consumed the change,
            // kb.doc-changes still holds the row's snapshot event alone, and the document's version is unchanged
            DocumentStatus before = index.status(PipelineStack.CDC_TENANT, "security").orElseThrow();
            long sourceRecords = sourceEndOffsets().values().stream().mapToLong(Long::longValue).sum();
            exec("UPDATE pages SET views = views + 1 WHERE doc = 'security'");
            awaitSourceTopicConsumed(sourceRecords + 1); // the update's change event, then its consumption
            assertThat(docChanges().get("security")).hasSize(1);
            assertThat(index.status(PipelineStack.CDC_TENANT, "security").orElseThrow().version()).isEqualTo(before.version());

            exec("DELETE FROM pages WHERE doc = 'security'");
            awaitIndexMatchesTable(index, "a delete");

            exec("DELETE FROM pages WHERE doc = 'travel'");
            upsert("travel", "Travel", "Trips by plane need the approval of a department head.", "ops");
            awaitIndexMatchesTable(index, "a row deleted and inserted again");
        }
    }

    /** The kb.doc-changes events of the mapped tenant, by docId, in log order. */
    private static Map<String, List<ConsumerRecord<String, String>>> docChanges() {
        String prefix = PipelineStack.CDC_TENANT + "/";
        return stack.broker.consumeAll(Topics.DOC_CHANGES, Duration.ofSeconds(60)).stream()
                .filter(r -> r.key() != null && r.key().startsWith(prefix))
                .collect(Collectors.groupingBy(r -> r.key().substring(prefix.length()), TreeMap::new, Collectors.toList()));
    }

    private static String priority(ConsumerRecord<String, String> r) {
        Header h = r.headers().lastHeader(Priority.HEADER);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Map<TopicPartition, Long> sourceEndOffsets() throws Exception {
        Admin admin = stack.broker.admin();
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        admin.describeTopics(List.of(PipelineStack.CDC_TOPIC)).allTopicNames().get().get(PipelineStack.CDC_TOPIC).partitions()
                .forEach(p -> latest.put(new TopicPartition(PipelineStack.CDC_TOPIC, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> end = new java.util.HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
        return end;
    }

    /**
     * Waits until the source topic holds at least {@code records} records and the ingest-service's consumer group has
     * committed the end of every partition.
     */
    private static void awaitSourceTopicConsumed(long records) throws Exception {
        Admin admin = stack.broker.admin();
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (true) {
            Map<TopicPartition, Long> end = sourceEndOffsets();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("freshrag-ingest")
                    .partitionsToOffsetAndMetadata().get();
            boolean done = end.values().stream().mapToLong(Long::longValue).sum() >= records && end.entrySet().stream().allMatch(e -> e.getValue() == 0
                    || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue());
            if (done) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the ingest-service did not consume " + PipelineStack.CDC_TOPIC + " to " + end + ": " + committed);
            }
            Thread.sleep(100);
        }
    }

    private static void upsert(String doc, String title, String body, String team) throws SQLException {
        try (PreparedStatement s = db.prepareStatement("INSERT INTO pages (doc, title, body, team) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (doc) DO UPDATE SET title = excluded.title, body = excluded.body, team = excluded.team")) {
            s.setString(1, doc);
            s.setString(2, title);
            s.setString(3, body);
            s.setString(4, team);
            s.executeUpdate();
        }
    }

    private static void exec(String sql) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.executeUpdate(sql);
        }
    }

    private record Row(String title, String body, String team) {
    }

    private static Map<String, Row> table() throws SQLException {
        Map<String, Row> rows = new TreeMap<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT doc, title, body, team FROM pages")) {
            while (r.next()) {
                rows.put(r.getString(1), new Row(r.getString(2), r.getString(3), r.getString(4)));
            }
        }
        return rows;
    }

    /** Waits until the index holds exactly the table: the same documents, each with its row's text, title and team. */
    private static void awaitIndexMatchesTable(IndexInspector index, String step) throws Exception {
        Map<String, Row> rows = table();
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        String mismatch;
        while ((mismatch = mismatch(index, rows)) != null) {
            if (engineFailure.get() != null) {
                throw new AssertionError("the Debezium engine failed", engineFailure.get());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("after " + step + " the index does not match the table within " + STEP_TIMEOUT + ": " + mismatch
                        + "\ningest-service log:\n" + stack.ingest.logTail(40));
            }
            Thread.sleep(100);
        }
    }

    private static String mismatch(IndexInspector index, Map<String, Row> rows) {
        if (!index.docIds(PipelineStack.CDC_TENANT).equals(rows.keySet())) {
            return "documents " + index.docIds(PipelineStack.CDC_TENANT) + ", rows " + rows.keySet();
        }
        for (Map.Entry<String, Row> row : rows.entrySet()) {
            List<SearchHit> chunks = index.chunks(PipelineStack.CDC_TENANT, row.getKey());
            String text = chunks.stream().map(SearchHit::text).collect(Collectors.joining(" ")).replaceAll("\\s+", " ").trim();
            if (!text.equals(row.getValue().body())) {
                return row.getKey() + ": text '" + text + "', row '" + row.getValue().body() + "'";
            }
            for (SearchHit chunk : chunks) {
                if (!row.getValue().team().equals(chunk.metadata().get("team")) || !row.getValue().title().equals(chunk.title())) {
                    return row.getKey() + ": team/title " + chunk.metadata().get("team") + "/" + chunk.title() + ", row " + row.getValue();
                }
            }
        }
        return null;
    }

    /** Polls the query-service (as a user would) until the top hit holds the text; answers the milliseconds since then. */
    private static long awaitSearchable(String query, String text, long sinceNanos) throws InterruptedException {
        long deadline = sinceNanos + STEP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            PipelineStack.Answer a = stack.search(PipelineStack.CDC_TENANT, Map.of("query", query, "topK", 3));
            JsonNode hits = a.json() == null ? null : a.json().get("hits");
            if (a.status() == 200 && hits != null && !hits.isEmpty() && hits.get(0).get("text").asText().contains(text)) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sinceNanos);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("'" + text + "' was not searchable within " + STEP_TIMEOUT);
    }
}
