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
import dev.freshrag.tokenizer.ModelTokenizer;
import dev.freshrag.tokenizer.TokenizerFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
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
 * Routing by the {@code freshrag-priority} header: events marked bulk go to kb.chunk-ops.bulk, everything else to
 * kb.chunk-ops, and one document's diff chain runs through both lanes in kb.doc-changes order.
 */
class LaneRoutingTest {

    private static ModelTokenizer tokenizer;

    private IngestTopologyDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<byte[], byte[]> live;
    private TestOutputTopic<byte[], byte[]> bulk;

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = ModelTokenizer.load(TokenizerFiles.ALL_MINILM_L6_V2, TokenizerFiles.DEFAULT_MAX_LENGTH);
    }

    @BeforeEach
    void setUp() {
        driver = new IngestTopologyDriver("lane-routing-test", TopologyProducer.build(TopologySettings.defaults(), tokenizer,
                new IngestMetrics(new SimpleMeterRegistry()), Clock.systemUTC()));
        input = driver.input(Topics.DOC_CHANGES);
        live = driver.output(Topics.CHUNK_OPS);
        bulk = driver.output(Topics.CHUNK_OPS_BULK);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void send(String docId, Long version, Op op, String content, String priority) {
        DocumentChange e = new DocumentChange("acme", docId, version, op, "T", "text/plain", content, Map.of(), null);
        RecordHeaders headers = new RecordHeaders();
        if (priority != null) {
            headers.add(Priority.HEADER, priority.getBytes(StandardCharsets.UTF_8));
        }
        input.pipeInput(new TestRecord<>(e.key().toBytes(), EventJson.write(e), headers));
    }

    @Test
    void eventsMarkedBulkGoToTheBulkLaneAndAllOthersToTheLiveLane() {
        send("marked", 1L, Op.UPSERT, "Bulk content.", "bulk");
        send("unmarked", 1L, Op.UPSERT, "Live content.", null);
        send("other-value", 1L, Op.UPSERT, "Also live.", "urgent");

        assertThat(bulk.readValuesToList()).map(EventJson::readDocumentOps).map(DocumentOps::docId).containsExactly("marked");
        assertThat(live.readValuesToList()).map(EventJson::readDocumentOps).map(DocumentOps::docId)
                .containsExactly("unmarked", "other-value");
    }

    @Test
    void aLiveEditOfABulkLoadedDocumentIsDiffedAgainstTheBulkVersion() {
        send("doc", 1L, Op.UPSERT, "First paragraph.\n\nSecond paragraph.", "bulk");
        send("doc", 2L, Op.UPSERT, "First paragraph.\n\nA new second paragraph.", null);
        send("doc", 1L, Op.UPSERT, "A stale replay.", "bulk");

        DocumentOps v1 = EventJson.readDocumentOps(bulk.readValue());
        DocumentOps v2 = EventJson.readDocumentOps(live.readValue());
        DocumentOps stale = EventJson.readDocumentOps(bulk.readValue());
        assertThat(v1.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        assertThat(v2.version()).isEqualTo(2);
        // v2 relabels or deletes v1's chunks: it was diffed against the bulk version, whatever lane applies first
        assertThat(v2.ops()).anyMatch(op -> op.type() == ChunkOp.Type.DELETE || op.type() == ChunkOp.Type.PAYLOAD);
        assertThat(v2.sourceOffset()).isGreaterThan(v1.sourceOffset());
        assertThat(v2.sourcePartition()).isEqualTo(v1.sourcePartition());
        // a stale bulk event is still answered in its own lane, so its lane's read-your-writes position moves on
        assertThat(stale.kind()).isEqualTo(DocumentOps.Kind.SKIP);
        assertThat(live.isEmpty()).isTrue();
    }
}
