package dev.freshrag.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DlqHeaders;
import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Op;
import dev.freshrag.events.Topics;
import dev.freshrag.ingest.metrics.IngestMetrics;
import dev.freshrag.tokenizer.ModelTokenizer;
import dev.freshrag.tokenizer.TokenizerFiles;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ingest topology without a broker: version guard, chunk diff, deletes, tombstones, dead letters. */
class TopologyTest {

    private static ModelTokenizer tokenizer;

    private final ManualClock clock = new ManualClock();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<byte[], byte[]> ops;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = ModelTokenizer.load(TokenizerFiles.ALL_MINILM_L6_V2, TokenizerFiles.DEFAULT_MAX_LENGTH);
    }

    @BeforeEach
    void setUp() {
        start(TopologySettings.defaults());
    }

    private void start(TopologySettings settings) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(TopologyProducer.build(settings, tokenizer, IngestMetrics.noop(), clock), props, clock.instant());
        input = driver.createInputTopic(Topics.DOC_CHANGES, Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
        ops = driver.createOutputTopic(Topics.CHUNK_OPS, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
        dlq = driver.createOutputTopic(Topics.DLQ, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private static String doc(int paragraphs, String variant) {
        return IntStream.range(0, paragraphs)
                .mapToObj(i -> "Paragraph " + i + " talks about topic number " + i + (i == 3 ? variant : "")
                        + ". It has a second sentence with some more words about subject " + (i * 7) + " and its details.")
                .collect(Collectors.joining("\n\n"));
    }

    private void send(String tenant, String docId, Long version, Op op, String content) {
        DocumentChange e = new DocumentChange(tenant, docId, version, op, "Title " + version, "text/plain", content, Map.of("team", "hr"), null);
        input.pipeInput(e.key().toBytes(), EventJson.write(e));
    }

    private DocumentOps next() {
        return EventJson.readDocumentOps(ops.readValue());
    }

    private static long count(DocumentOps o, ChunkOp.Type type) {
        return o.ops().stream().filter(op -> op.type() == type).count();
    }

    @Test
    void firstVersionEmbedsEveryChunk() {
        send("acme", "a/doc.txt", 1L, Op.UPSERT, doc(30, ""));
        DocumentOps o = next();
        assertThat(o.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        assertThat(o.version()).isEqualTo(1);
        assertThat(o.chunkCount()).isGreaterThan(3);
        assertThat(count(o, ChunkOp.Type.EMBED)).isEqualTo(o.chunkCount());
        assertThat(o.ops()).allSatisfy(op -> assertThat(tokenizer.countTokens(op.text())).isLessThanOrEqualTo(256));
        assertThat(o.metadata()).containsEntry("team", "hr");
        assertThat(o.sourceOffset()).isZero();
    }

    @Test
    void anEditReembedsOnlyTheChunksThatHoldIt() {
        send("acme", "d", 1L, Op.UPSERT, doc(30, ""));
        DocumentOps v1 = next();
        send("acme", "d", 2L, Op.UPSERT, doc(30, " and a freshly edited clause"));
        DocumentOps v2 = next();
        assertThat(count(v2, ChunkOp.Type.EMBED)).isBetween(1L, 2L);
        assertThat(count(v2, ChunkOp.Type.PAYLOAD)).isEqualTo(v2.chunkCount() - count(v2, ChunkOp.Type.EMBED));
        assertThat(count(v2, ChunkOp.Type.DELETE)).isEqualTo(count(v2, ChunkOp.Type.EMBED));
        assertThat(v2.version()).isEqualTo(2);
        // every chunk id of v2 is either reused from v1 or newly embedded, never both
        List<String> v1Ids = v1.ops().stream().map(ChunkOp::chunkId).toList();
        assertThat(v2.ops()).filteredOn(op -> op.type() == ChunkOp.Type.PAYLOAD).allSatisfy(op -> assertThat(v1Ids).contains(op.chunkId()));
        assertThat(v2.ops()).filteredOn(op -> op.type() == ChunkOp.Type.EMBED).allSatisfy(op -> assertThat(v1Ids).doesNotContain(op.chunkId()));
        // a relabel carries its chunk's text, so that the embed-service can restore a chunk the index lost
        java.util.Map<String, String> v1Texts = new java.util.HashMap<>();
        v1.ops().forEach(op -> v1Texts.put(op.chunkId(), op.text()));
        assertThat(v2.ops()).filteredOn(op -> op.type() == ChunkOp.Type.PAYLOAD)
                .isNotEmpty().allSatisfy(op -> assertThat(op.text()).isNotBlank().isEqualTo(v1Texts.get(op.chunkId())));
    }

    @Test
    void shrinkingDeletesTheTail() {
        send("acme", "d", 1L, Op.UPSERT, doc(30, ""));
        DocumentOps v1 = next();
        send("acme", "d", 2L, Op.UPSERT, doc(2, ""));
        DocumentOps v2 = next();
        assertThat(count(v2, ChunkOp.Type.DELETE)).isEqualTo(v1.chunkCount() - v2.chunkCount() + count(v2, ChunkOp.Type.EMBED));
        assertThat(v2.chunkCount()).isEqualTo(1);
    }

    @Test
    void staleAndDuplicateVersionsAreSkipped() {
        send("acme", "d", 5L, Op.UPSERT, "five");
        assertThat(next().kind()).isEqualTo(DocumentOps.Kind.APPLY);
        send("acme", "d", 5L, Op.UPSERT, "five again");
        send("acme", "d", 3L, Op.UPSERT, "three");
        DocumentOps dup = next();
        DocumentOps old = next();
        assertThat(dup.kind()).isEqualTo(DocumentOps.Kind.SKIP);
        assertThat(old.kind()).isEqualTo(DocumentOps.Kind.SKIP);
        assertThat(old.sourceOffset()).isEqualTo(2);
        send("acme", "d", null, Op.UPSERT, "no version means newer");
        DocumentOps unversioned = next();
        assertThat(unversioned.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        assertThat(unversioned.version()).isEqualTo(6);
    }

    @Test
    void deleteLeavesATombstoneThatStopsLateOlderUpserts() {
        send("acme", "d", 2L, Op.UPSERT, "two");
        next();
        send("acme", "d", 3L, Op.DELETE, null);
        assertThat(next().kind()).isEqualTo(DocumentOps.Kind.DELETE_DOCUMENT);
        send("acme", "d", 2L, Op.UPSERT, "two, late");
        assertThat(next().kind()).isEqualTo(DocumentOps.Kind.SKIP);
        send("acme", "d", 3L, Op.DELETE, null);
        assertThat(next().kind()).isEqualTo(DocumentOps.Kind.SKIP);
        send("acme", "d", 4L, Op.UPSERT, "two");
        DocumentOps recreated = next();
        assertThat(recreated.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        // after a delete nothing is reused: the index no longer holds the old points
        assertThat(count(recreated, ChunkOp.Type.EMBED)).isEqualTo(1);
    }

    @Test
    void deleteAtTheSameVersionWins() {
        send("acme", "d", 2L, Op.UPSERT, "two");
        next();
        send("acme", "d", 2L, Op.DELETE, null);
        assertThat(next().kind()).isEqualTo(DocumentOps.Kind.DELETE_DOCUMENT);
    }

    @Test
    void tenantsDoNotShareState() {
        send("acme", "d", 2L, Op.UPSERT, "same text");
        send("globex", "d", 1L, Op.UPSERT, "same text");
        DocumentOps a = next();
        DocumentOps b = next();
        assertThat(b.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        assertThat(a.ops().get(0).chunkId()).isNotEqualTo(b.ops().get(0).chunkId());
    }

    @Test
    void tombstonesExpireAfterTheirRetention() {
        driver.close();
        start(TopologySettings.defaults().withTombstoneRetention(Duration.ofSeconds(10)));
        send("acme", "d", 5L, Op.DELETE, null);
        next();
        send("acme", "d", 4L, Op.UPSERT, "old");
        assertThat(next().kind()).isEqualTo(DocumentOps.Kind.SKIP);
        assertThat(driver.getKeyValueStore(TopologyProducer.DOCUMENT_STATE_STORE).get("acme/d")).isNotNull();
        clock.advance(Duration.ofSeconds(11));
        driver.advanceWallClockTime(Duration.ofSeconds(11));
        assertThat(driver.getKeyValueStore(TopologyProducer.DOCUMENT_STATE_STORE).get("acme/d")).isNull();
        // documented trade-off: past the retention an older version is accepted again
        send("acme", "d", 4L, Op.UPSERT, "old");
        assertThat(next().kind()).isEqualTo(DocumentOps.Kind.APPLY);
    }

    /** A clock the test moves by hand, in step with the driver's wall clock. */
    static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-11-29T00:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void malformedEventsAreDeadLetteredAndThePipelineGoesOn() {
        input.pipeInput("acme/x".getBytes(StandardCharsets.UTF_8), "{not json".getBytes(StandardCharsets.UTF_8));
        DocumentChange noContent = new DocumentChange("acme", "y", 1L, Op.UPSERT, null, null, null, null, null);
        input.pipeInput(noContent.key().toBytes(), EventJson.write(noContent));
        DocumentChange wrongKey = new DocumentChange("acme", "z", 1L, Op.UPSERT, null, null, "text", null, null);
        input.pipeInput("other/z".getBytes(StandardCharsets.UTF_8), EventJson.write(wrongKey));
        DocumentChange huge = new DocumentChange("acme", "big", 1L, Op.UPSERT, null, null, "x".repeat(5 * 1024 * 1024 + 1), null, null);
        input.pipeInput(huge.key().toBytes(), EventJson.write(huge));
        send("acme", "good", 1L, Op.UPSERT, "a good document");

        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).hasSize(4);
        assertThat(header(dead.get(0), DlqHeaders.REASON)).contains("not valid JSON");
        assertThat(header(dead.get(0), DlqHeaders.SOURCE_TOPIC)).isEqualTo(Topics.DOC_CHANGES);
        assertThat(header(dead.get(0), DlqHeaders.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(header(dead.get(0), DlqHeaders.STAGE)).isEqualTo("ingest");
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(header(dead.get(1), DlqHeaders.FIELD)).isEqualTo("content");
        assertThat(header(dead.get(2), DlqHeaders.REASON)).contains("record key");
        assertThat(header(dead.get(3), DlqHeaders.REASON)).contains("above the limit of 5242880");
        DocumentOps good = next();
        assertThat(good.docId()).isEqualTo("good");
        assertThat(ops.isEmpty()).isTrue();
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
