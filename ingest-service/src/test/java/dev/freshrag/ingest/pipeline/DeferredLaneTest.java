package dev.freshrag.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Op;
import dev.freshrag.events.Priority;
import dev.freshrag.events.Topics;
import dev.freshrag.ingest.metrics.IngestMetrics;
import dev.freshrag.ingest.tracing.StreamsTracing;
import dev.freshrag.tokenizer.ModelTokenizer;
import dev.freshrag.tokenizer.TokenizerFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ingest's deferred lane: the router copies records marked bulk (and every later record of a document that has
 * deferred records waiting) raw to kb.doc-changes.bulk; the processor reads them back as the originals. The deferred
 * source here is a stand-in topic the test feeds by hand ({@link #release}), so deferred records can be held back
 * while live ones arrive, as on a broker where live records go first.
 */
class DeferredLaneTest {

    private static final String HELD = "test.held-deferred";
    private static ModelTokenizer tokenizer;

    private IngestTopologyDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestInputTopic<byte[], byte[]> held;
    private TestOutputTopic<byte[], byte[]> deferred;
    private TestOutputTopic<byte[], byte[]> live;
    private TestOutputTopic<byte[], byte[]> bulk;
    private TestOutputTopic<byte[], byte[]> docLog;
    private SimpleMeterRegistry registry;

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = ModelTokenizer.load(TokenizerFiles.ALL_MINILM_L6_V2, TokenizerFiles.DEFAULT_MAX_LENGTH);
    }

    private final TopologyTest.ManualClock clock = new TopologyTest.ManualClock();

    @BeforeEach
    void setUp() {
        start(TopologySettings.LiveLimits.DEFAULTS);
    }

    /** (Re)starts the driver with these limits of what goes live. */
    private void start(TopologySettings.LiveLimits limits) {
        if (driver != null) {
            driver.close();
        }
        registry = new SimpleMeterRegistry();
        driver = new IngestTopologyDriver("deferred-lane-test", TopologyProducer.build(TopologySettings.defaults().withLiveLimits(limits),
                tokenizer, new IngestMetrics(registry), clock, StreamsTracing.disabled(), HELD));
        input = driver.input(Topics.DOC_CHANGES);
        held = driver.input(HELD);
        deferred = driver.output(Topics.DOC_CHANGES_BULK);
        live = driver.output(Topics.CHUNK_OPS);
        bulk = driver.output(Topics.CHUNK_OPS_BULK);
        docLog = driver.output(Topics.DOC_LOG);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
    private int sent;

    /** Sends one event (timestamps one second apart from T0); answers its offset on kb.doc-changes. */
    private long send(String tenant, String docId, Long version, Op op, String content, boolean markedBulk) {
        DocumentChange e = new DocumentChange(tenant, docId, version, op, "T", "text/plain", content, Map.of(), null);
        RecordHeaders headers = new RecordHeaders();
        if (markedBulk) {
            headers.add(Priority.HEADER, Priority.bulkHeaderValue());
        }
        input.pipeInput(new TestRecord<>(e.key().toBytes(), EventJson.write(e), headers, T0.plusSeconds(sent)));
        return sent++;
    }

    /** Lets the task take every deferred record written so far, in the order the router wrote them. */
    private int release() {
        List<TestRecord<byte[], byte[]>> copies = deferred.readRecordsToList();
        for (TestRecord<byte[], byte[]> copy : copies) {
            held.pipeInput(new TestRecord<>(copy.key(), copy.value(), copy.headers(), copy.getRecordTime()));
        }
        return copies.size();
    }

    private static List<DocumentOps> ops(TestOutputTopic<byte[], byte[]> topic) {
        return topic.readValuesToList().stream().map(EventJson::readDocumentOps).toList();
    }

    @Test
    void aRecordMarkedBulkIsCopiedRawAndThenProcessedAsTheOriginal() {
        send("acme", "filler", 1L, Op.UPSERT, "Live content.", false);
        ops(live);
        long offset = send("acme", "loaded", 1L, Op.UPSERT, "Bulk content.", true);

        TestRecord<byte[], byte[]> copy = deferred.readRecord();
        assertThat(new String(copy.key(), StandardCharsets.UTF_8)).isEqualTo("acme/loaded");
        assertThat(EventJson.readDocumentChange(copy.value()).content()).isEqualTo("Bulk content.");
        assertThat(copy.headers().lastHeader(Priority.HEADER)).isNotNull();
        assertThat(DeferredOrigin.of(copy.headers())).contains(new DeferredOrigin(0, offset, T0.plusSeconds(offset).toEpochMilli()));
        assertThat(copy.getRecordTime()).isEqualTo(T0.plusSeconds(offset));
        // nothing processed yet, and no marker: a record marked bulk has a bulk token, which waits for the bulk lane
        assertThat(bulk.isEmpty()).isTrue();
        assertThat(live.isEmpty()).isTrue();
        assertThat(registry.counter("freshrag.events.deferred").count()).isEqualTo(1);

        held.pipeInput(new TestRecord<>(copy.key(), copy.value(), copy.headers(), copy.getRecordTime()));
        TestRecord<byte[], byte[]> out = bulk.readRecord();
        DocumentOps applied = EventJson.readDocumentOps(out.value());
        assertThat(applied.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        // the original position and time, not the deferred copy's
        assertThat(applied.sourcePartition()).isZero();
        assertThat(applied.sourceOffset()).isEqualTo(offset);
        assertThat(out.getRecordTime()).isEqualTo(T0.plusSeconds(offset));
        TestRecord<byte[], byte[]> logged = docLog.readRecordsToList().get(1);
        assertThat(logged.getRecordTime()).isEqualTo(T0.plusSeconds(offset));
        assertThat(logged.headers().lastHeader(DeferredOrigin.HEADER)).isNull();
        assertThat(logged.headers().lastHeader(Priority.HEADER)).isNull();
    }

    @Test
    void liveRecordsAreProcessedWhileDeferredOnesWait() {
        send("bulky", "a", 1L, Op.UPSERT, "Loaded A.", true);
        send("bulky", "b", 1L, Op.UPSERT, "Loaded B.", true);
        long edit = send("other", "edit", 3L, Op.UPSERT, "A live edit.", false);

        assertThat(ops(live)).singleElement().satisfies(o -> {
            assertThat(o.docId()).isEqualTo("edit");
            assertThat(o.sourceOffset()).isEqualTo(edit);
        });
        assertThat(bulk.isEmpty()).isTrue();
        assertThat(release()).isEqualTo(2);
        assertThat(ops(bulk)).map(DocumentOps::docId).containsExactly("a", "b");
    }

    @Test
    void aLiveWriteOfADocumentWithDeferredWritesWaitingIsDeferredBehindThemAndMarkedInTheLiveLane() {
        long first = send("acme", "doc", null, Op.UPSERT, "First paragraph.\n\nSecond paragraph.", true);
        long second = send("acme", "doc", null, Op.UPSERT, "First paragraph.\n\nA live second paragraph.", false);
        long other = send("acme", "unrelated", null, Op.UPSERT, "Not waiting for anything.", false);

        // the live write of "doc" waits behind the bulk one; its live token is answered through the marker
        List<DocumentOps> liveLane = ops(live);
        assertThat(liveLane).map(DocumentOps::kind).containsExactly(DocumentOps.Kind.DEFERRED, DocumentOps.Kind.APPLY);
        assertThat(liveLane.get(0).sourceOffset()).isEqualTo(second);
        assertThat(liveLane.get(0).docId()).isEqualTo("doc");
        assertThat(liveLane.get(1).sourceOffset()).isEqualTo(other);

        release();
        List<DocumentOps> bulkLane = ops(bulk);
        // versionless writes: only their kb.doc-changes order says which is newer, and it holds
        assertThat(bulkLane).map(DocumentOps::sourceOffset).containsExactly(first, second);
        DocumentOps liveWrite = bulkLane.get(1);
        assertThat(liveWrite.ops()).anyMatch(op -> op.type() == ChunkOp.Type.EMBED && op.text().contains("A live second paragraph"));
        assertThat(liveWrite.ops()).anyMatch(op -> op.type() == ChunkOp.Type.DELETE);

        // nothing waits any more: the next live write of the document is processed at once
        send("acme", "doc", null, Op.UPSERT, "Third text.", false);
        assertThat(ops(live)).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(DocumentOps.Kind.APPLY));
        assertThat(deferred.isEmpty()).isTrue();
    }

    @Test
    void aVersionedBulkAndLiveWriteRacingOnOneDocumentEndAtTheNewerVersionWhicheverCameFirst() {
        // the live v2 arrives after a bulk v3 of the same document: deferred behind it, then dropped as stale
        send("acme", "doc", 3L, Op.UPSERT, "Version three.", true);
        send("acme", "doc", 2L, Op.UPSERT, "Version two.", false);
        release();
        List<DocumentOps> bulkLane = ops(bulk);
        assertThat(bulkLane).map(DocumentOps::kind).containsExactly(DocumentOps.Kind.APPLY, DocumentOps.Kind.SKIP);
        assertThat(bulkLane.get(1).version()).isEqualTo(3);

        // a live v5 after a bulk v4 still waiting: applied after it, as the newer one
        send("acme", "doc", 4L, Op.UPSERT, "Version four.", true);
        send("acme", "doc", 5L, Op.DELETE, null, false);
        release();
        assertThat(ops(bulk)).map(o -> o.kind() + " v" + o.version()).containsExactly("APPLY v4", "DELETE_DOCUMENT v5");
    }

    @Test
    void aDeferredRecordThatBreaksTheContractIsDeadLetteredWithItsOriginalPosition() {
        TestOutputTopic<byte[], byte[]> dlq = driver.output(Topics.DLQ);
        RecordHeaders headers = new RecordHeaders();
        headers.add(Priority.HEADER, Priority.bulkHeaderValue());
        input.pipeInput(new TestRecord<>("acme/broken".getBytes(StandardCharsets.UTF_8), "{not json".getBytes(StandardCharsets.UTF_8), headers, T0));
        release();
        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertThat(new String(dead.headers().lastHeader("freshrag.dlq.source.topic").value(), StandardCharsets.UTF_8)).isEqualTo(Topics.DOC_CHANGES);
        assertThat(new String(dead.headers().lastHeader("freshrag.dlq.source.offset").value(), StandardCharsets.UTF_8)).isEqualTo("0");
        assertThat(dead.headers().lastHeader(DeferredOrigin.HEADER)).isNull();
        // the document no longer waits: its next live write is processed at once
        send("acme", "broken", 1L, Op.UPSERT, "Fixed.", false);
        assertThat(ops(live)).map(DocumentOps::kind).containsExactly(DocumentOps.Kind.APPLY);
    }

    @Test
    void aProducersOwnDeferredHeaderOnKbDocChangesIsIgnored() {
        DocumentChange e = new DocumentChange("acme", "doc", 1L, Op.UPSERT, "T", "text/plain", "Text.", Map.of(), null);
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeferredOrigin.HEADER, new DeferredOrigin(5, 999, 1).headerValue());
        input.pipeInput(new TestRecord<>(e.key().toBytes(), EventJson.write(e), headers, T0));
        assertThat(ops(live)).singleElement().satisfies(o -> assertThat(o.sourceOffset()).isZero());
    }

    @Test
    void aTenantsFloodPastItsLiveBurstIsDeferredWithMarkersWhileAnotherTenantStaysLive() {
        start(new TopologySettings.LiveLimits(3, Duration.ofSeconds(1), 512 * 1024));
        for (int i = 0; i < 6; i++) {
            send("flood", "doc-" + i, null, Op.UPSERT, "Flood " + i + ".", false);
        }
        long edit = send("quiet", "edit", null, Op.UPSERT, "An edit.", false);

        List<DocumentOps> liveLane = ops(live);
        // the first 3 of the flood live, the other 3 as markers; the other tenant's edit live
        assertThat(liveLane).map(o -> o.tenant() + ":" + o.kind()).containsExactly("flood:APPLY", "flood:APPLY", "flood:APPLY",
                "flood:DEFERRED", "flood:DEFERRED", "flood:DEFERRED", "quiet:APPLY");
        assertThat(liveLane.get(6).sourceOffset()).isEqualTo(edit);
        assertThat(release()).isEqualTo(3);
        assertThat(ops(bulk)).map(DocumentOps::docId).containsExactly("doc-3", "doc-4", "doc-5");

        // a new window: the tenant is live again
        clock.advance(Duration.ofSeconds(1));
        send("flood", "doc-6", null, Op.UPSERT, "Later.", false);
        assertThat(ops(live)).map(DocumentOps::kind).containsExactly(DocumentOps.Kind.APPLY);
    }

    @Test
    void anUnmarkedRecordAboveTheLiveSizeIsDeferredWithAMarker() {
        start(new TopologySettings.LiveLimits(32, Duration.ofSeconds(1), 1024));
        long large = send("acme", "large", 1L, Op.UPSERT, "A sentence of a long document. ".repeat(100), false);
        send("acme", "small", 1L, Op.UPSERT, "Small.", false);

        assertThat(ops(live)).map(o -> o.docId() + ":" + o.kind()).containsExactly("large:DEFERRED", "small:APPLY");
        release();
        assertThat(ops(bulk)).singleElement().satisfies(o -> {
            assertThat(o.kind()).isEqualTo(DocumentOps.Kind.APPLY);
            assertThat(o.sourceOffset()).isEqualTo(large);
        });
    }
}
