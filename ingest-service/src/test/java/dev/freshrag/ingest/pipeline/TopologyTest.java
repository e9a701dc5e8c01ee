package dev.freshrag.ingest.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DlqHeaders;
import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Limits;
import dev.freshrag.events.Op;
import dev.freshrag.events.Topics;
import dev.freshrag.ingest.metrics.IngestMetrics;
import dev.freshrag.tokenizer.ModelTokenizer;
import dev.freshrag.tokenizer.TokenizerFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The ingest topology without a broker: version guard, chunk diff, deletes, tombstones, dead letters. */
class TopologyTest {

    private static ModelTokenizer tokenizer;

    private final ManualClock clock = new ManualClock();
    private IngestTopologyDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<byte[], byte[]> ops;
    private TestOutputTopic<byte[], byte[]> dlq;
    private SimpleMeterRegistry registry;

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = ModelTokenizer.load(TokenizerFiles.ALL_MINILM_L6_V2, TokenizerFiles.DEFAULT_MAX_LENGTH);
    }

    @BeforeEach
    void setUp() {
        start(TopologySettings.defaults());
    }

    private void start(TopologySettings settings) {
        registry = new SimpleMeterRegistry();
        // every unmarked event live: these tests are about processing one event; which ones are deferred is DeferredLaneTest's
        TopologySettings allLive = settings.withLiveLimits(new TopologySettings.LiveLimits(Integer.MAX_VALUE, Duration.ofSeconds(1), Integer.MAX_VALUE));
        driver = new IngestTopologyDriver("topology-test", TopologyProducer.build(allLive, tokenizer, new IngestMetrics(registry), clock),
                clock.instant());
        input = driver.input(Topics.DOC_CHANGES);
        ops = driver.output(Topics.CHUNK_OPS);
        dlq = driver.output(Topics.DLQ);
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
        send("acme", "d", null, Op.UPSERT, "no version means now");
        DocumentOps unversioned = next();
        assertThat(unversioned.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        // applied at the current version: it claims no version of its own
        assertThat(unversioned.version()).isEqualTo(5);
        assertThat(stale("same-version")).isEqualTo(1);
        assertThat(stale("older")).isEqualTo(1);
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
    void tombstonesExpireOnlyWithTheOptInRetention() {
        driver.close();
        start(TopologySettings.defaults().withTombstoneRetention(Duration.ofSeconds(10)));
        send("acme", "d", 5L, Op.DELETE, null);
        next();
        send("acme", "d", 4L, Op.UPSERT, "old");
        assertThat(next().kind()).isEqualTo(DocumentOps.Kind.SKIP);
        assertThat(driver.getKeyValueStore(TopologyProducer.DOCUMENT_STATE_STORE).get("acme/d")).isNotNull();
        passTime(Duration.ofSeconds(11));
        assertThat(driver.getKeyValueStore(TopologyProducer.DOCUMENT_STATE_STORE).get("acme/d")).isNull();
        // the documented trade-off of the opt-in: past the retention an older version is accepted again
        send("acme", "d", 4L, Op.UPSERT, "old");
        assertThat(next().kind()).isEqualTo(DocumentOps.Kind.APPLY);
    }

    @Test
    void byDefaultADeletedDocumentStaysDeletedForever() {
        send("acme", "d", 2L, Op.UPSERT, "two");
        next();
        send("acme", "d", 3L, Op.DELETE, null);
        next();
        send("acme", "v", 5L, Op.UPSERT, "five");
        next();
        send("acme", "v", null, Op.DELETE, null);
        next();
        passTime(Duration.ofDays(400));
        assertThat(driver.getKeyValueStore(TopologyProducer.DOCUMENT_STATE_STORE).get("acme/d")).isNotNull();
        send("acme", "d", 2L, Op.UPSERT, "two, replayed a year later");
        send("acme", "d", 3L, Op.UPSERT, "three, at the deleted version");
        send("acme", "v", 5L, Op.UPSERT, "five, replayed a year later");
        send("acme", "v", 4L, Op.UPSERT, "four, late");
        assertThat(ops.readValuesToList()).extracting(b -> EventJson.readDocumentOps(b).kind()).containsOnly(DocumentOps.Kind.SKIP).hasSize(4);
    }

    @Test
    void aVersionlessDeleteDoesNotConsumeTheNextVersion() {
        send("acme", "d", 5L, Op.UPSERT, doc(8, ""));
        next();
        send("acme", "d", null, Op.DELETE, null);
        DocumentOps deleted = next();
        assertThat(deleted.kind()).isEqualTo(DocumentOps.Kind.DELETE_DOCUMENT);
        assertThat(deleted.version()).isEqualTo(5);
        send("acme", "d", 5L, Op.UPSERT, doc(8, "")); // v5 again: it was deleted, it stays deleted
        assertThat(next().kind()).isEqualTo(DocumentOps.Kind.SKIP);
        send("acme", "d", 6L, Op.UPSERT, doc(8, " edited"));
        DocumentOps v6 = next();
        assertThat(v6.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        assertThat(v6.version()).isEqualTo(6);
        // nothing is reused after a delete: the index no longer holds v5's chunks
        assertThat(count(v6, ChunkOp.Type.EMBED)).isEqualTo(v6.chunkCount());
    }

    @Test
    void aCleanupDeleteOfAnUnknownDocumentRecordsNothing() {
        send("acme", "new", null, Op.DELETE, null);
        DocumentOps cleanup = next();
        assertThat(cleanup.kind()).isEqualTo(DocumentOps.Kind.DELETE_DOCUMENT);
        assertThat(driver.getKeyValueStore(TopologyProducer.DOCUMENT_STATE_STORE).get("acme/new")).isNull();
        send("acme", "new", 1L, Op.UPSERT, "the first version");
        DocumentOps v1 = next();
        assertThat(v1.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        assertThat(v1.version()).isEqualTo(1);
    }

    @Test
    void aVersionlessUpsertDoesNotConsumeTheNextVersion() {
        send("acme", "d", 5L, Op.UPSERT, "five");
        next();
        send("acme", "d", null, Op.UPSERT, "a fix made by hand");
        send("acme", "d", null, Op.UPSERT, "another fix");
        assertThat(next().version()).isEqualTo(5);
        assertThat(next().version()).isEqualTo(5);
        send("acme", "d", 5L, Op.UPSERT, "five, redelivered");
        assertThat(next().kind()).isEqualTo(DocumentOps.Kind.SKIP);
        send("acme", "d", 6L, Op.UPSERT, "six");
        DocumentOps v6 = next();
        assertThat(v6.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        assertThat(v6.version()).isEqualTo(6);
        // the diff ran against the versionless content, which the index holds
        assertThat(v6.ops()).extracting(ChunkOp::type).containsExactlyInAnyOrder(ChunkOp.Type.EMBED, ChunkOp.Type.DELETE);
    }

    @Test
    void aDocumentWrittenWithoutVersionsIsAtVersionZeroAndTheFirstVersionedEventWins() {
        send("acme", "d", null, Op.UPSERT, "one");
        assertThat(next().version()).isZero();
        send("acme", "d", null, Op.DELETE, null);
        assertThat(next().kind()).isEqualTo(DocumentOps.Kind.DELETE_DOCUMENT);
        send("acme", "d", null, Op.UPSERT, "one again");
        DocumentOps recreated = next();
        assertThat(recreated.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        assertThat(count(recreated, ChunkOp.Type.EMBED)).isEqualTo(1);
        send("acme", "d", 1L, Op.UPSERT, "one, from the source");
        DocumentOps v1 = next();
        assertThat(v1.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        assertThat(v1.version()).isEqualTo(1);
    }

    @Test
    void aVersionlessRecreateAfterAVersionedDeleteSurvivesItsDuplicatesAndLateOlderVersions() {
        send("acme", "d", 2L, Op.UPSERT, "two");
        next();
        send("acme", "d", 3L, Op.DELETE, null);
        next();
        send("acme", "d", null, Op.UPSERT, "re-created by hand");
        DocumentOps recreated = next();
        assertThat(recreated.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        assertThat(recreated.version()).isEqualTo(3);
        send("acme", "d", 3L, Op.DELETE, null); // the DELETE redelivered: already applied at v3
        send("acme", "d", 2L, Op.UPSERT, "two, late");
        assertThat(next().kind()).isEqualTo(DocumentOps.Kind.SKIP);
        assertThat(next().kind()).isEqualTo(DocumentOps.Kind.SKIP);
        send("acme", "d", 4L, Op.DELETE, null);
        assertThat(next().kind()).isEqualTo(DocumentOps.Kind.DELETE_DOCUMENT);
    }

    @Test
    void aVersionedDeleteAtTheVersionOfAVersionlessDeleteStillApplies() {
        send("acme", "d", 5L, Op.UPSERT, "five");
        next();
        send("acme", "d", null, Op.DELETE, null);
        next();
        send("acme", "d", null, Op.UPSERT, "re-created by hand");
        next();
        // the source deletes v5: no DELETE was applied at v5 yet, so it wins over what is there now
        send("acme", "d", 5L, Op.DELETE, null);
        assertThat(next().kind()).isEqualTo(DocumentOps.Kind.DELETE_DOCUMENT);
        send("acme", "d", 5L, Op.DELETE, null);
        assertThat(next().kind()).isEqualTo(DocumentOps.Kind.SKIP);
    }

    @Test
    void statesWrittenBeforeTheDeleteFlagReadAsBefore() {
        var serde = JsonSerde.of(DocumentState.class);
        DocumentState tombstone = serde.deserializer().deserialize("t",
                "{\"version\":3,\"deleted\":true,\"updatedAt\":1,\"chunks\":[]}".getBytes(StandardCharsets.UTF_8));
        DocumentState live = serde.deserializer().deserialize("t",
                "{\"version\":3,\"deleted\":false,\"updatedAt\":1,\"chunks\":[]}".getBytes(StandardCharsets.UTF_8));
        assertThat(tombstone.versionDeleted()).isTrue();
        assertThat(live.versionDeleted()).isFalse();
    }

    private void passTime(Duration d) {
        clock.advance(d);
        driver.advanceWallClockTime(d);
    }

    private double stale(String reason) {
        return registry.get("freshrag.events.stale").tag("reason", reason).counter().count();
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

    @Test
    void cloudEventsOnDocChangesAreAppliedAndBadOnesDeadLettered() {
        org.apache.kafka.common.header.internals.RecordHeaders h = dev.freshrag.ingest.cloudevents.KafkaCloudEventsTest
                .binaryHeaders("wiki.page.updated", "faq.md");
        input.pipeInput(new TestRecord<>("acme/faq.md".getBytes(StandardCharsets.UTF_8),
                "# FAQ\n\nThe cafeteria opens at eight.".getBytes(StandardCharsets.UTF_8), h));
        DocumentOps applied = next();
        assertThat(applied.docId()).isEqualTo("faq.md");
        assertThat(applied.version()).isEqualTo(3L);
        assertThat(applied.ops()).anyMatch(op -> op.text() != null && op.text().contains("cafeteria opens at eight"));

        org.apache.kafka.common.header.internals.RecordHeaders noSubject = dev.freshrag.ingest.cloudevents.KafkaCloudEventsTest
                .binaryHeaders("wiki.page.updated", "faq.md");
        noSubject.remove("ce_subject");
        input.pipeInput(new TestRecord<>("acme/faq.md".getBytes(StandardCharsets.UTF_8), "x".getBytes(StandardCharsets.UTF_8), noSubject));
        TestRecord<byte[], byte[]> dead = dlq.readRecord();
        assertThat(header(dead, DlqHeaders.FIELD)).isEqualTo("subject");
        assertThat(header(dead, DlqHeaders.REASON)).contains("docId");
        assertThat(ops.isEmpty()).isTrue();
    }

    private void sendTyped(String docId, String contentType, String content) {
        DocumentChange e = new DocumentChange("acme", docId, 1L, Op.UPSERT, null, contentType, content, null, null);
        input.pipeInput(e.key().toBytes(), EventJson.write(e));
    }

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void documentsOverTheLimitsAreDeadLetteredAndThePipelineGoesOn() {
        // a heading per line: 262,144 chunks, and a kb.chunk-ops record far over the broker's limit
        sendTyped("headings.md", "text/markdown", "# x\n".repeat(256 * 1024));
        // 5 MiB of a character JSON escapes sixfold (\u0001): under 20,000 chunks, but a 30 MiB record
        sendTyped("escaped.txt", "text/plain", "\u0001".repeat(5 * 1024 * 1024));
        // the quadratic case of the old extractor: parsed in linear time, and an ordinary document
        String hostileLine = "*y ".repeat(20_000);
        sendTyped("emphasis.md", "text/markdown", hostileLine);
        send("acme", "next", 1L, Op.UPSERT, "the next normal document on the partition");

        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(new String(dead.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("acme/headings.md");
        assertThat(header(dead.get(0), DlqHeaders.REASON))
                .isEqualTo("content: makes at least 262144 chunks, above the limit of 20000 chunks per document");
        assertThat(header(dead.get(0), DlqHeaders.FIELD)).isEqualTo("content");
        assertThat(dead.get(0).value()).isNotNull();
        assertThat(new String(dead.get(1).key(), StandardCharsets.UTF_8)).isEqualTo("acme/escaped.txt");
        assertThat(header(dead.get(1), DlqHeaders.REASON))
                .startsWith("content: makes a kb.chunk-ops record of ")
                .contains("bytes, above the limit of " + Limits.MAX_RECORD_BYTES + " bytes")
                // the event itself (30 MiB of JSON) could not be copied to kb.dlq either: its offset says where it is
                .contains("is too large for the dead-letter topic");
        assertThat(dead.get(1).value()).isNull();
        assertThat(header(dead.get(1), DlqHeaders.SOURCE_OFFSET)).isEqualTo("1");

        DocumentOps emphasis = next();
        assertThat(emphasis.docId()).isEqualTo("emphasis.md");
        assertThat(emphasis.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        assertThat(String.join(" ", emphasis.ops().stream().map(ChunkOp::text).toList()).replace(" ", ""))
                .isEqualTo(hostileLine.replace(" ", ""));
        DocumentOps normal = next();
        assertThat(normal.docId()).isEqualTo("next");
        assertThat(normal.kind()).isEqualTo(DocumentOps.Kind.APPLY);
        assertThat(ops.isEmpty()).isTrue();
        // nothing of the rejected documents was stored: a later good version starts from scratch
        assertThat(driver.getKeyValueStore(TopologyProducer.DOCUMENT_STATE_STORE).get("acme/headings.md")).isNull();
        assertThat(driver.getKeyValueStore(TopologyProducer.DOCUMENT_STATE_STORE).get("acme/escaped.txt")).isNull();
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
