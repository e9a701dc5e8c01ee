package dev.freshrag.ingest.sources.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.DlqHeaders;
import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Limits;
import dev.freshrag.events.Op;
import dev.freshrag.events.Priority;
import dev.freshrag.events.Topics;
import dev.freshrag.ingest.metrics.IngestMetrics;
import dev.freshrag.ingest.pipeline.TopologyProducer;
import dev.freshrag.ingest.pipeline.TopologySettings;
import dev.freshrag.tokenizer.ModelTokenizer;
import dev.freshrag.tokenizer.TokenizerFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Debezium change events of a mapped table through the whole ingest topology (TopologyTestDriver): the republished
 * kb.doc-changes events, the lane of their chunk operations, and the dead letters of records the mapping cannot read.
 */
class DebeziumSourceTopologyTest {

    private static final String TOPIC = "cms.public.pages";
    private static ModelTokenizer tokenizer;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> rows;
    private TestOutputTopic<byte[], byte[]> docChanges;
    private TestOutputTopic<byte[], byte[]> live;
    private TestOutputTopic<byte[], byte[]> bulk;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = ModelTokenizer.load(TokenizerFiles.ALL_MINILM_L6_V2, TokenizerFiles.DEFAULT_MAX_LENGTH);
    }

    /** pages(id, tenant, title, body, kind, team, views): docId = id, metadata = team. */
    private static DebeziumMapping pages(Optional<String> tenant, Optional<String> tenantColumn) {
        return new DebeziumMapping("pages", TOPIC, tenant, tenantColumn, List.of("id"), Optional.of("title"), "body",
                Optional.of("kind"), "text/plain", List.of("team"), new VersionSource.Lsn());
    }

    private void start(DebeziumMapping mapping) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "debezium-source-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        Topology topology = TopologyProducer.build(TopologySettings.defaults(), tokenizer, new IngestMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
        DebeziumTopology.addTo(topology, List.of(mapping), Topics.DOC_CHANGES, Topics.DLQ, Limits.DEFAULTS, Clock.systemUTC());
        driver = new TopologyTestDriver(topology, props);
        rows = driver.createInputTopic(TOPIC, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
        docChanges = driver.createOutputTopic(Topics.DOC_CHANGES, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
        live = driver.createOutputTopic(Topics.CHUNK_OPS, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
        bulk = driver.createOutputTopic(Topics.CHUNK_OPS_BULK, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
        dlq = driver.createOutputTopic(Topics.DLQ, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void tearDown() {
        if (driver != null) {
            driver.close();
        }
    }

    private static String row(int id, String tenant, String title, String body, String team, int views) {
        return "{\"id\":" + id + ",\"tenant\":" + (tenant == null ? "null" : "\"" + tenant + "\"") + ",\"title\":\"" + title
                + "\",\"body\":\"" + body + "\",\"kind\":\"text/markdown\",\"team\":\"" + team + "\",\"views\":" + views + "}";
    }

    private static String envelope(String op, String before, String after, long lsn) {
        return "{\"before\":" + before + ",\"after\":" + after + ",\"source\":{\"connector\":\"postgresql\",\"lsn\":" + lsn
                + ",\"ts_ms\":1764460800000,\"table\":\"pages\"},\"op\":\"" + op + "\",\"ts_ms\":1764460800123}";
    }

    /** The same envelope as Kafka Connect's JsonConverter writes it with schemas.enable=true (schema abridged). */
    private static String withSchema(String payload) {
        return "{\"schema\":{\"type\":\"struct\",\"optional\":false,\"name\":\"cms.public.pages.Envelope\",\"fields\":[]},\"payload\":" + payload + "}";
    }

    private void send(int id, String value) {
        rows.pipeInput(new TestRecord<>(("{\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8)));
    }

    private List<TestRecord<byte[], byte[]>> published() {
        return docChanges.readRecordsToList();
    }

    private static DocumentChange change(TestRecord<byte[], byte[]> r) {
        return EventJson.readDocumentChange(r.value());
    }

    private static boolean markedBulk(TestRecord<byte[], byte[]> r) {
        Header h = r.headers().lastHeader(Priority.HEADER);
        return Priority.ofHeader(h == null ? null : h.value()) == Priority.BULK;
    }

    @Test
    void snapshotReadsGoToTheBulkLaneAndCreatesToTheLiveLaneWithTheLsnAsVersion() {
        start(pages(Optional.of("acme"), Optional.empty()));
        send(1, withSchema(envelope("r", "null", row(1, null, "Leave", "# Leave\\n\\nTwenty days.", "hr", 0), 100)));
        send(2, envelope("c", "null", row(2, null, "Travel", "Book trains.", "ops", 0), 200));

        List<TestRecord<byte[], byte[]>> out = published();
        assertThat(out).hasSize(2);
        DocumentChange read = change(out.get(0));
        assertThat(new String(out.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("acme/1");
        assertThat(read.op()).isEqualTo(Op.UPSERT);
        assertThat(read.version()).isEqualTo(100L);
        assertThat(read.title()).isEqualTo("Leave");
        assertThat(read.contentType()).isEqualTo("text/markdown");
        assertThat(read.content()).isEqualTo("# Leave\n\nTwenty days.");
        assertThat(read.metadata()).isEqualTo(Map.of("team", "hr"));
        assertThat(read.sourceTimestamp()).isEqualTo("2025-11-30T00:00:00Z");
        assertThat(markedBulk(out.get(0))).isTrue();
        assertThat(change(out.get(1)).docId()).isEqualTo("2");
        assertThat(markedBulk(out.get(1))).isFalse();

        assertThat(bulk.readValuesToList()).map(EventJson::readDocumentOps).map(DocumentOps::docId).containsExactly("1");
        assertThat(live.readValuesToList()).map(EventJson::readDocumentOps).map(DocumentOps::docId).containsExactly("2");
    }

    @Test
    void anUpdateOfUnmappedColumnsOnlyProducesNoWorkAndAMetadataUpdateRelabels() {
        start(pages(Optional.of("acme"), Optional.empty()));
        send(1, envelope("c", "null", row(1, null, "Leave", "Twenty days.", "hr", 0), 100));
        send(1, envelope("u", "null", row(1, null, "Leave", "Twenty days.", "hr", 41), 110)); // views only
        send(1, envelope("r", "null", row(1, null, "Leave", "Twenty days.", "hr", 41), 120)); // a re-snapshot
        send(1, envelope("u", "null", row(1, null, "Leave", "Twenty days.", "people", 41), 130)); // metadata only

        List<TestRecord<byte[], byte[]>> out = published();
        assertThat(out).extracting(r -> change(r).version()).containsExactly(100L, 130L);
        assertThat(change(out.get(1)).metadata()).isEqualTo(Map.of("team", "people"));
        List<DocumentOps> ops = live.readValuesToList().stream().map(EventJson::readDocumentOps).toList();
        assertThat(ops).hasSize(2);
        // the same text: the second version relabels its chunks, nothing is embedded again
        assertThat(ops.get(1).metadata()).isEqualTo(Map.of("team", "people"));
        assertThat(ops.get(1).ops()).noneMatch(op -> op.type() == dev.freshrag.events.ChunkOp.Type.EMBED);
    }

    @Test
    void aDeleteBecomesAVersionedDeleteItsTombstoneNothingAndAReinsertComesBack() {
        start(pages(Optional.of("acme"), Optional.empty()));
        send(1, envelope("c", "null", row(1, null, "Leave", "Twenty days.", "hr", 0), 100));
        send(1, envelope("d", "{\"id\":1,\"tenant\":null,\"title\":null,\"body\":null,\"kind\":null,\"team\":null,\"views\":null}", "null", 150));
        send(1, null); // Debezium's tombstone after the delete
        send(1, envelope("c", "null", row(1, null, "Leave", "Twenty days.", "hr", 0), 170));

        List<TestRecord<byte[], byte[]>> out = published();
        assertThat(out).extracting(r -> change(r).op() + "@" + change(r).version()).containsExactly("UPSERT@100", "DELETE@150", "UPSERT@170");
        assertThat(live.readValuesToList()).map(EventJson::readDocumentOps).map(DocumentOps::kind)
                .containsExactly(DocumentOps.Kind.APPLY, DocumentOps.Kind.DELETE_DOCUMENT, DocumentOps.Kind.APPLY);
    }

    @Test
    void aTombstoneOfALiveRowDeletesItsDocument() {
        start(pages(Optional.of("acme"), Optional.empty()));
        send(1, envelope("c", "null", row(1, null, "Leave", "Twenty days.", "hr", 0), 100));
        send(1, withSchema("null")); // compaction or a producer that sends only tombstones

        List<TestRecord<byte[], byte[]>> out = published();
        assertThat(out).hasSize(2);
        assertThat(change(out.get(1)).op()).isEqualTo(Op.DELETE);
        assertThat(change(out.get(1)).version()).isNull();
    }

    @Test
    void aTenantColumnIsReadAndADeleteWithOnlyTheKeyInItsBeforeImageFindsTheTenant() {
        start(pages(Optional.empty(), Optional.of("tenant")));
        send(7, envelope("c", "null", row(7, "globex", "Leave", "Twenty days.", "hr", 0), 100));
        send(7, envelope("u", "null", row(7, "initech", "Leave", "Twenty days.", "hr", 0), 110)); // moved tenants
        send(7, envelope("d", "{\"id\":7}", "null", 120));

        List<TestRecord<byte[], byte[]>> out = published();
        assertThat(out).extracting(r -> new String(r.key(), StandardCharsets.UTF_8) + " " + change(r).op() + "@" + change(r).version())
                .containsExactly("globex/7 UPSERT@100", "globex/7 DELETE@110", "initech/7 UPSERT@110", "initech/7 DELETE@120");
    }

    @Test
    void recordsTheMappingCannotReadAreDeadLetteredWithTheReasonAndTheRestGoesOn() {
        start(pages(Optional.of("acme"), Optional.empty()));
        send(1, "not json");
        send(2, envelope("c", "null", "{\"id\":2,\"title\":\"No body column\",\"kind\":\"text/plain\",\"team\":\"hr\"}", 100));
        send(3, envelope("c", "null", row(3, null, "Bad tenant-free row", "x", "hr", 0).replace("\"body\":\"x\"", "\"body\":null"), 100));
        send(4, envelope("t", "null", "null", 100));
        send(5, "{\"id\":5,\"body\":\"a flattened row\"}");
        send(6, envelope("c", "null", row(6, null, "Fine", "Good row.", "hr", 0), 100));

        List<TestRecord<byte[], byte[]>> letters = dlq.readRecordsToList();
        assertThat(letters).extracting(r -> header(r, DlqHeaders.REASON)).satisfiesExactly(
                r -> assertThat(r).contains("not JSON"),
                r -> assertThat(r).contains("the column 'body' (content-column of source 'pages') is not in the event's after row"),
                r -> assertThat(r).contains("the column 'body' (content-column) is NULL"),
                r -> assertThat(r).contains("'t' cannot be mapped"),
                r -> assertThat(r).contains("op: absent"));
        assertThat(letters).allSatisfy(r -> {
            assertThat(header(r, DlqHeaders.STAGE)).isEqualTo("source");
            assertThat(header(r, DlqHeaders.SOURCE_TOPIC)).isEqualTo(TOPIC);
        });
        // the record itself is kept unchanged
        assertThat(new String(letters.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not json");
        assertThat(published()).extracting(r -> change(r).docId()).containsExactly("6");
    }

    @Test
    void aColumnVersionIsReadAndAVersionlessMappingPublishesNone() {
        DebeziumMapping byColumn = new DebeziumMapping("pages", TOPIC, Optional.of("acme"), Optional.empty(), List.of("id"),
                Optional.empty(), "body", Optional.empty(), "text/plain", List.of(), new VersionSource.Column("views"));
        start(byColumn);
        send(1, envelope("c", "null", row(1, null, "T", "Text.", "hr", 12), 100));
        send(1, envelope("d", "{\"id\":1}", "null", 150)); // the version column is not in the before image
        assertThat(published()).extracting(r -> change(r).op() + "@" + change(r).version()).containsExactly("UPSERT@12", "DELETE@null");
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
