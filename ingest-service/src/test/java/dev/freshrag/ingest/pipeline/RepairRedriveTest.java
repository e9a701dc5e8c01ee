package dev.freshrag.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import dev.freshrag.events.RepairHeader;

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
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A record re-driven by {@code verify --repair} ({@link RepairHeader}) passes the guard at the stored version and
 * writes every chunk again; the same record without the header is a dropped duplicate, and an older one stays dropped.
 */
class RepairRedriveTest {

    private static ModelTokenizer tokenizer;

    private IngestTopologyDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<byte[], byte[]> live;
    private TestOutputTopic<byte[], byte[]> bulk;
    private TestOutputTopic<byte[], byte[]> docLog;

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = ModelTokenizer.load(TokenizerFiles.ALL_MINILM_L6_V2, TokenizerFiles.DEFAULT_MAX_LENGTH);
    }

    @BeforeEach
    void setUp() {
        driver = new IngestTopologyDriver("repair-test", TopologyProducer.build(TopologySettings.defaults(), tokenizer,
                new IngestMetrics(new SimpleMeterRegistry()), Clock.systemUTC()));
        input = driver.input(Topics.DOC_CHANGES);
        live = driver.output(Topics.CHUNK_OPS);
        bulk = driver.output(Topics.CHUNK_OPS_BULK);
        docLog = driver.output(Topics.DOC_LOG);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private static String doc(String variant) {
        return IntStream.range(0, 20).mapToObj(i -> "Paragraph " + i + " is about subject " + i + (i == 2 ? variant : "")
                + ". It has a second sentence with some more words about detail " + (i * 7) + ".")
                .collect(Collectors.joining("\n\n"));
    }

    private void send(long version, String content, boolean repair) {
        send(version, Op.UPSERT, content, repair);
    }

    private void send(long version, Op op, String content, boolean repair) {
        DocumentChange e = new DocumentChange("acme", "r.md", version, op, "T", "text/plain", op == Op.DELETE ? null : content,
                op == Op.DELETE ? null : Map.of(), null);
        RecordHeaders headers = new RecordHeaders();
        if (repair) {
            headers.add(Priority.HEADER, Priority.bulkHeaderValue());
            headers.add(RepairHeader.NAME, "verify".getBytes(StandardCharsets.UTF_8));
        }
        input.pipeInput(new TestRecord<>(e.key().toBytes(), EventJson.write(e), headers));
    }

    @Test
    void aRepairRewritesEveryChunkOfTheStoredVersionThroughTheBulkLane() {
        send(1, doc(""), false);
        send(2, doc(" edited"), false);
        DocumentOps v1 = EventJson.readDocumentOps(live.readValue());
        EventJson.readDocumentOps(live.readValue());

        send(2, doc(" edited"), false);
        DocumentOps duplicate = EventJson.readDocumentOps(live.readValue());
        assertThat(duplicate.kind()).as("without the header the stored version is a duplicate").isEqualTo(DocumentOps.Kind.SKIP);

        send(2, doc(" edited"), true);
        assertThat(live.isEmpty()).as("a repair travels in the bulk lane").isTrue();
        DocumentOps repaired = EventJson.readDocumentOps(bulk.readValue());
        assertThat(repaired.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        assertThat(repaired.version()).isEqualTo(2);
        assertThat(repaired.ops()).as("every chunk embedded again, nothing deleted")
                .allSatisfy(op -> assertThat(op.type()).isEqualTo(ChunkOp.Type.EMBED));
        assertThat(repaired.ops()).hasSize(repaired.chunkCount()).hasSize(v1.chunkCount());

        send(1, doc(""), true);
        assertThat(EventJson.readDocumentOps(bulk.readValue()).kind()).as("a repair never brings an older version back")
                .isEqualTo(DocumentOps.Kind.SKIP);

        // the state is unchanged: the next ordinary edit diffs against v2 as before
        send(3, doc(" edited again"), false);
        DocumentOps v3 = EventJson.readDocumentOps(live.readValue());
        assertThat(v3.ops().stream().filter(op -> op.type() == ChunkOp.Type.EMBED).count()).isBetween(1L, 2L);
    }

    @Test
    void theRebuildLogHoldsOnlyAcceptedChangesAsTheyCame() {
        send(1, doc(""), false);
        send(3, Op.DELETE, null, false);
        send(2, doc(" late"), false); // older than the DELETE: dropped, and so never on the rebuild log
        send(3, Op.DELETE, null, true); // a repair of the DELETE: accepted again, logged without its marks

        var logged = docLog.readRecordsToList();
        assertThat(logged).extracting(r -> EventJson.readDocumentChange(r.value()).version()).containsExactly(1L, 3L, 3L);
        assertThat(logged).extracting(r -> EventJson.readDocumentChange(r.value()).op()).containsExactly(Op.UPSERT, Op.DELETE, Op.DELETE);
        assertThat(logged).allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("acme/r.md"));
        assertThat(logged.get(2).headers().lastHeader(RepairHeader.NAME)).isNull();
        assertThat(logged.get(2).headers().lastHeader(Priority.HEADER)).isNull();
    }

    @Test
    void aReindexRedriveCarriesItsGenerationOntoTheChunkOpsButNotOntoTheRebuildLog() {
        send(1, doc(""), false);
        assertThat(live.readRecord().headers().lastHeader(dev.freshrag.events.GenerationHeader.NAME))
                .as("a live change names no generation: every open one takes it").isNull();

        DocumentChange e = new DocumentChange("acme", "r.md", 1L, Op.UPSERT, "T", "text/plain", doc(""), Map.of(), null);
        RecordHeaders headers = new RecordHeaders();
        headers.add(Priority.HEADER, Priority.bulkHeaderValue());
        headers.add(RepairHeader.NAME, "reindex".getBytes(StandardCharsets.UTF_8));
        headers.add(dev.freshrag.events.GenerationHeader.NAME, dev.freshrag.events.GenerationHeader.value("g2"));
        input.pipeInput(new TestRecord<>(e.key().toBytes(), EventJson.write(e), headers));

        TestRecord<byte[], byte[]> redriven = bulk.readRecord();
        assertThat(EventJson.readDocumentOps(redriven.value()).ops())
                .allSatisfy(op -> assertThat(op.type()).isEqualTo(ChunkOp.Type.EMBED));
        assertThat(new String(redriven.headers().lastHeader(dev.freshrag.events.GenerationHeader.NAME).value(),
                StandardCharsets.UTF_8)).isEqualTo("g2");
        var logged = docLog.readRecordsToList();
        assertThat(logged).hasSize(2);
        assertThat(logged.get(1).headers().lastHeader(dev.freshrag.events.GenerationHeader.NAME)).isNull();
    }

    private void sendRaw(Long version, Op op, String content, String generation) {
        DocumentChange e = new DocumentChange("acme", "r.md", version, op, "T", "text/plain", op == Op.DELETE ? null : content,
                op == Op.DELETE ? null : Map.of(), null);
        RecordHeaders headers = new RecordHeaders();
        if (generation != null) {
            headers.add(Priority.HEADER, Priority.bulkHeaderValue());
            headers.add(RepairHeader.NAME, "reindex".getBytes(StandardCharsets.UTF_8));
            headers.add(dev.freshrag.events.GenerationHeader.NAME, dev.freshrag.events.GenerationHeader.value(generation));
        }
        input.pipeInput(new TestRecord<>(e.key().toBytes(), EventJson.write(e), headers));
    }

    @Test
    void aReindexRedriveOvertakenByAVersionlessChangeIsDroppedAndBringsNothingBack() {
        sendRaw(1L, Op.UPSERT, doc(""), null);
        live.readValue();
        // the backfill read v1 from the rebuild log; meanwhile a versionless DELETE (same version) was accepted
        sendRaw(null, Op.DELETE, null, null);
        assertThat(EventJson.readDocumentOps(live.readValue()).kind()).isEqualTo(DocumentOps.Kind.DELETE_DOCUMENT);
        sendRaw(1L, Op.UPSERT, doc(""), "g2");
        TestRecord<byte[], byte[]> dropped = bulk.readRecord();
        assertThat(EventJson.readDocumentOps(dropped.value()).kind()).as("a deleted document stays deleted").isEqualTo(DocumentOps.Kind.SKIP);
        assertThat(dropped.headers().lastHeader(dev.freshrag.events.GenerationHeader.NAME)).isNotNull();

        // re-created by a versionless UPSERT with other content: a re-drive of the old content is dropped too
        sendRaw(null, Op.UPSERT, doc(" rewritten"), null);
        assertThat(EventJson.readDocumentOps(live.readValue()).kind()).isEqualTo(DocumentOps.Kind.APPLY);
        sendRaw(1L, Op.UPSERT, doc(""), "g2");
        assertThat(EventJson.readDocumentOps(bulk.readValue()).kind()).isEqualTo(DocumentOps.Kind.SKIP);
        sendRaw(1L, Op.DELETE, null, "g2");
        assertThat(EventJson.readDocumentOps(bulk.readValue()).kind()).as("a re-driven DELETE of a live document").isEqualTo(DocumentOps.Kind.SKIP);

        // the re-drive of what the state holds applies, every chunk embedded
        sendRaw(null, Op.UPSERT, doc(" rewritten"), "g2");
        DocumentOps applied = EventJson.readDocumentOps(bulk.readValue());
        assertThat(applied.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        assertThat(applied.ops()).allSatisfy(op -> assertThat(op.type()).isEqualTo(ChunkOp.Type.EMBED));

        // the state was never touched by the dropped re-drives: the next edit diffs against the rewritten content
        sendRaw(2L, Op.UPSERT, doc(" rewritten"), null);
        DocumentOps v2 = EventJson.readDocumentOps(live.readValue());
        assertThat(v2.ops()).noneMatch(op -> op.type() == ChunkOp.Type.EMBED);
    }
}
