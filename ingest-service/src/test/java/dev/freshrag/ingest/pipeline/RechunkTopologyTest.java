package dev.freshrag.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.GenerationControl;
import dev.freshrag.events.GenerationFollowed;
import dev.freshrag.events.IngestChunking;
import dev.freshrag.events.GenerationHeader;
import dev.freshrag.events.Op;
import dev.freshrag.events.Priority;
import dev.freshrag.events.RepairHeader;
import dev.freshrag.events.Topics;
import dev.freshrag.ingest.metrics.IngestMetrics;
import dev.freshrag.tokenizer.ModelTokenizer;
import dev.freshrag.tokenizer.TokenizerFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A re-chunking reindex in the ingest: with g2 building at 128 tokens (the ingest chunks at 256), a live change gives
 * g2 its own operations (tagged, chunked at 128, diffed against g2's own state) before the shared ones at 256; a
 * reindex's re-drive tagged g2 is chunked at 128 against nothing; once g2 is aborted nothing is emitted for it and its
 * state is swept; and a task says on kb.generations that it follows g2 only once it sees it.
 */
class RechunkTopologyTest {

    private static ModelTokenizer tokenizer;

    private IngestTopologyDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestInputTopic<byte[], byte[]> plan;
    private TestOutputTopic<byte[], byte[]> live;
    private TestOutputTopic<byte[], byte[]> bulk;
    private TestOutputTopic<byte[], byte[]> generations;

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = ModelTokenizer.load(TokenizerFiles.ALL_MINILM_L6_V2, TokenizerFiles.DEFAULT_MAX_LENGTH);
    }

    @BeforeEach
    void setUp() {
        driver = new IngestTopologyDriver("rechunk-test", TopologyProducer.build(TopologySettings.defaults(), tokenizer,
                new IngestMetrics(new SimpleMeterRegistry()), Clock.systemUTC()));
        input = driver.input(Topics.DOC_CHANGES);
        plan = driver.input(Topics.GENERATIONS);
        live = driver.output(Topics.CHUNK_OPS);
        bulk = driver.output(Topics.CHUNK_OPS_BULK);
        generations = driver.output(Topics.GENERATIONS);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    /** Twenty paragraphs of about 25 tokens: chunks of more than 128 tokens at 256, other ones at 128. */
    private static String doc(String variant) {
        return IntStream.range(0, 20).mapToObj(i -> "Paragraph " + i + " is about subject " + i + (i == 2 ? variant : "")
                + ". It has a second sentence with some more words about detail " + (i * 7) + ".")
                .collect(Collectors.joining("\n\n"));
    }

    private void generation(String id, int chunkMaxTokens, GenerationControl.State state) {
        GenerationControl g = new GenerationControl(id, "all-minilm-l6-v2", 384, chunkMaxTokens, state,
                "2026-12-01T00:00:00Z", GenerationControl.Backfill.none());
        plan.pipeInput(id.getBytes(StandardCharsets.UTF_8), EventJson.write(g));
    }

    private void send(long version, Op op, String content, String redriveFor) {
        DocumentChange e = new DocumentChange("acme", "r.md", version, op, "T", "text/plain", content,
                op == Op.DELETE ? null : Map.of(), null);
        RecordHeaders headers = new RecordHeaders();
        if (redriveFor != null) {
            headers.add(Priority.HEADER, Priority.bulkHeaderValue());
            headers.add(RepairHeader.NAME, "reindex".getBytes(StandardCharsets.UTF_8));
            headers.add(GenerationHeader.NAME, GenerationHeader.value(redriveFor));
        }
        input.pipeInput(new TestRecord<>(e.key().toBytes(), EventJson.write(e), headers));
    }

    /** One emitted record: its operations and the generation it is tagged for (null: every generation's). */
    private record Emitted(DocumentOps ops, String generation) {
        long embeds() {
            return ops.ops().stream().filter(o -> o.type() == ChunkOp.Type.EMBED).count();
        }
    }

    private static List<Emitted> drain(TestOutputTopic<byte[], byte[]> topic) {
        List<Emitted> out = new ArrayList<>();
        while (!topic.isEmpty()) {
            TestRecord<byte[], byte[]> r = topic.readRecord();
            Header h = r.headers().lastHeader(GenerationHeader.NAME);
            out.add(new Emitted(EventJson.readDocumentOps(r.value()), h == null ? null : GenerationHeader.of(h.value()).orElseThrow()));
        }
        return out;
    }

    private static void assertChunkedAtMost(DocumentOps ops, int maxTokens) {
        assertThat(ops.ops()).filteredOn(op -> op.type() != ChunkOp.Type.DELETE)
                .allSatisfy(op -> assertThat(tokenizer.countTokens(op.text())).isLessThanOrEqualTo(maxTokens));
    }

    @Test
    void aLiveChangeGivesG2ItsOwnChunksAt128AndAnEditReembedsOnlyWhatChangedInEachGeneration() {
        generation("g2", 128, GenerationControl.State.BUILDING);

        send(1, Op.UPSERT, doc(""), null);
        List<Emitted> v1 = drain(live);
        assertThat(v1).extracting(Emitted::generation).as("g2's own operations first, then the shared ones")
                .containsExactly("g2", null);
        DocumentOps g2v1 = v1.get(0).ops();
        DocumentOps g1v1 = v1.get(1).ops();
        assertThat(g2v1.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        assertThat(g2v1.sourceOffset()).isEqualTo(g1v1.sourceOffset());
        assertChunkedAtMost(g2v1, 128);
        assertChunkedAtMost(g1v1, 256);
        assertThat(g1v1.ops()).as("the shared chunking is 256 tokens: some chunk is above 128")
                .anySatisfy(op -> assertThat(tokenizer.countTokens(op.text())).isGreaterThan(128));
        assertThat(g2v1.ops()).extracting(ChunkOp::hash).as("other chunks").doesNotContainAnyElementsOf(
                g1v1.ops().stream().filter(op -> tokenizer.countTokens(op.text()) > 128).map(ChunkOp::hash).toList());
        assertThat(v1).allSatisfy(e -> assertThat(e.embeds()).isEqualTo(e.ops().chunkCount()));
        assertThat(g2v1.ops().stream().map(ChunkOp::text).collect(Collectors.joining(" ")).replaceAll("\\s+", " "))
                .as("the same text, cut differently").isEqualTo(
                        g1v1.ops().stream().map(ChunkOp::text).collect(Collectors.joining(" ")).replaceAll("\\s+", " "));

        send(2, Op.UPSERT, doc(" edited"), null);
        List<Emitted> v2 = drain(live);
        assertThat(v2).extracting(Emitted::generation).containsExactly("g2", null);
        for (Emitted e : v2) {
            assertThat(e.embeds()).as("one paragraph edited: one or two chunks embedded in %s", e.generation())
                    .isBetween(1L, 2L);
            assertThat(e.ops().ops()).filteredOn(op -> op.type() == ChunkOp.Type.PAYLOAD).as("the rest relabelled")
                    .hasSize(e.ops().chunkCount() - (int) e.embeds());
        }
        assertChunkedAtMost(v2.get(0).ops(), 128);
        assertThat(bulk.isEmpty()).isTrue();
    }

    @Test
    void aRedriveTaggedG2IsChunkedAt128AgainstNothingAndOnlyForG2() {
        send(1, Op.UPSERT, doc(""), null); // before the ingest knows g2: the shared operations only (the start race)
        assertThat(drain(live)).extracting(Emitted::generation).containsExactly((String) null);

        generation("g2", 128, GenerationControl.State.BUILDING);
        send(1, Op.UPSERT, doc(""), "g2");
        List<Emitted> redriven = drain(bulk);
        assertThat(redriven).as("only g2's chunks: the shared 256-token ones are not g2's").hasSize(1);
        Emitted g2 = redriven.get(0);
        assertThat(g2.generation()).isEqualTo("g2");
        assertThat(g2.ops().kind()).isEqualTo(DocumentOps.Kind.APPLY);
        assertChunkedAtMost(g2.ops(), 128);
        assertThat(g2.embeds()).as("against g2's empty state: every chunk embedded").isEqualTo(g2.ops().chunkCount());
        assertThat(live.isEmpty()).isTrue();

        // g2's state now holds v1 at 128: a later edit is incremental there
        send(2, Op.UPSERT, doc(" edited"), null);
        List<Emitted> v2 = drain(live);
        assertThat(v2).extracting(Emitted::generation).containsExactly("g2", null);
        assertThat(v2.get(0).embeds()).isBetween(1L, 2L);
        assertThat(v2.get(0).ops().chunkCount()).isEqualTo(g2.ops().chunkCount());
    }

    @Test
    void aDeleteReachesEveryGenerationAsOneRecordAndAfterAnAbortNothingIsEmittedForG2AndItsStateGoes() {
        generation("g2", 128, GenerationControl.State.BUILDING);
        send(1, Op.UPSERT, doc(""), null);
        drain(live);
        send(2, Op.DELETE, null, null);
        List<Emitted> deleted = drain(live);
        assertThat(deleted).extracting(Emitted::generation).containsExactly((String) null);
        assertThat(deleted.get(0).ops().kind()).isEqualTo(DocumentOps.Kind.DELETE_DOCUMENT);
        assertThat(g2States()).as("g2 forgets the deleted document").isEmpty();

        send(3, Op.UPSERT, doc(""), null);
        assertThat(drain(live)).extracting(e -> e.generation() + ":" + e.embeds() + "/" + e.ops().chunkCount())
                .as("after the delete, everything embedded again in both").allSatisfy(s -> {
                    String[] n = s.substring(s.indexOf(':') + 1).split("/");
                    assertThat(n[0]).isEqualTo(n[1]);
                });
        assertThat(g2States()).hasSize(1);

        generation("g2", 128, GenerationControl.State.ABORTED);
        send(4, Op.UPSERT, doc(" edited"), null);
        assertThat(drain(live)).extracting(Emitted::generation).as("nothing for g2 any more").containsExactly((String) null);
        driver.advanceWallClockTime(DocumentChangeProcessor.FOLLOW_INTERVAL.plusMillis(10));
        assertThat(g2States()).as("swept once kb.generations says g2 was aborted").isEmpty();
    }

    @Test
    void aTaskSaysItFollowsG2OnlyOnceItSeesItAndAModelOnlyGenerationIsNotChunkedApart() {
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(followWords()).isEmpty();

        generation("g3", 256, GenerationControl.State.BUILDING); // the ingest's own chunking: a model change only
        send(1, Op.UPSERT, doc(""), null);
        assertThat(drain(live)).extracting(Emitted::generation).containsExactly((String) null);
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(followWords()).isEmpty();

        generation("g4", 128, GenerationControl.State.BUILDING);
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        List<GenerationFollowed> words = followWords();
        assertThat(words).extracting(GenerationFollowed::key).containsExactly("g4/ingest/0");
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(followWords()).as("said once").isEmpty();
    }

    @Test
    void aTaskSaysTheChunkingItRunsWithOnceAfterItStartsAndTheWordIsNoGenerationForAnyReader() {
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        List<IngestChunking> said = new ArrayList<>();
        while (!generations.isEmpty()) {
            TestRecord<byte[], byte[]> r = generations.readRecord();
            String key = new String(r.key(), StandardCharsets.UTF_8);
            assertThat(GenerationFollowed.isKey(key)).as("readers of the generations leave %s out", key).isTrue();
            assertThat(GenerationFollowed.generationOf(key)).as("it names no generation").isEmpty();
            IngestChunking w = EventJson.read(r.value(), IngestChunking.class);
            assertThat(w.key()).isEqualTo(key);
            said.add(w);
        }
        assertThat(said).as("once, with the ingest's freshrag.chunking.max-tokens").singleElement()
                .satisfies(w -> {
                    assertThat(w.partition()).isZero();
                    assertThat(w.maxTokens()).isEqualTo(TopologySettings.defaults().maxTokens());
                });
    }

    private List<GenerationFollowed> followWords() {
        List<GenerationFollowed> words = new ArrayList<>();
        while (!generations.isEmpty()) {
            TestRecord<byte[], byte[]> r = generations.readRecord();
            String key = new String(r.key(), StandardCharsets.UTF_8);
            if (GenerationFollowed.generationOf(key).isPresent()) {
                GenerationFollowed w = EventJson.read(r.value(), GenerationFollowed.class);
                assertThat(w.key()).isEqualTo(key);
                words.add(w);
            }
        }
        return words;
    }

    private List<String> g2States() {
        KeyValueStore<String, DocumentState> store = driver.getKeyValueStore(TopologyProducer.GENERATION_STATE_STORE);
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, DocumentState> it = store.all()) {
            it.forEachRemaining(kv -> {
                if (kv.key.startsWith("g2|")) {
                    keys.add(kv.key);
                }
            });
        }
        return keys;
    }
}
