package dev.freshrag.embed.reindex;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.freshrag.embed.pipeline.ConsumerTestResources;
import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.IngestChunking;
import dev.freshrag.events.GenerationControl;
import dev.freshrag.events.GenerationFollowed;
import dev.freshrag.events.GenerationHeader;
import dev.freshrag.events.Topics;
import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.lucene.LuceneGenerations;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneReaderIndex;
import dev.freshrag.testkit.KafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * A reindex through the operator endpoints, in the application with the in-JVM broker and the embedded Lucene index:
 * start (g2, bge-small-en-v1.5, beside g1, all-MiniLM-L6-v2), the backfill re-driving kb.doc-log to kb.doc-changes,
 * a live edit meanwhile, status until caught up, switch, a live edit after it (both generations), rollback,
 * drop-previous. The ingest-service is not part of this module: {@link #ingestRedrives} plays its part for the
 * re-driven records (what it does with them is tested in the ingest's RepairRedriveTest).
 */
@QuarkusTest
class ReindexResourceTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final IndexFingerprint MINILM = new IndexFingerprint("all-minilm-l6-v2", 384);
    private static final IndexFingerprint BGE = new IndexFingerprint("bge-small-en-v1.5", 384);

    private final String tenant = "rx-" + UUID.randomUUID().toString().substring(0, 8);
    private final KafkaBroker broker = KafkaBroker.shared();
    /** Per document, its newest version's chunks (as the ingest's state would hold them) and version. */
    private final Map<String, List<ChunkOp>> chunks = new HashMap<>();
    private final Map<String, Long> versions = new HashMap<>();

    /** A change accepted by the "ingest": kb.doc-changes, kb.doc-log, and its operations in the live lane. */
    private void liveChange(String docId, long version, List<ChunkOp> ops, List<ChunkOp> all) {
        byte[] key = (tenant + "/" + docId).getBytes(StandardCharsets.UTF_8);
        byte[] value = ("{\"version\":" + version + "}").getBytes(StandardCharsets.UTF_8);
        RecordMetadata source = broker.produce(Topics.DOC_CHANGES, key, value, Map.of());
        broker.produce(new ProducerRecord<>(Topics.DOC_LOG, source.partition(), key, value));
        DocumentOps o = new DocumentOps(tenant, docId, version, DocumentOps.Kind.APPLY, docId, Map.of(), ops, all.size(),
                source.partition(), source.offset());
        broker.produce(new ProducerRecord<>(Topics.CHUNK_OPS, source.partition(), key, EventJson.write(o)));
        chunks.put(docId, all);
        versions.put(docId, version);
    }

    /**
     * The ingest's part for re-driven records: every kb.doc-changes record tagged g2 not handled yet becomes the
     * document's operations in the bulk lane, tagged g2: every chunk an embed (chunked against an empty previous
     * state), or a SKIP when it is older than the stored version (the version guard), also for documents not ours.
     */
    private int ingestRedrives(Set<Long> handled) {
        int n = 0;
        for (ConsumerRecord<byte[], byte[]> r : broker.consumeAllBytes(Topics.DOC_CHANGES, Duration.ofSeconds(30))) {
            Header g = r.headers().lastHeader(GenerationHeader.NAME);
            long id = ((long) r.partition() << 40) | r.offset();
            if (g == null || !handled.add(id)) {
                continue;
            }
            assertThat(new String(g.value(), StandardCharsets.UTF_8)).isEqualTo("g2");
            assertThat(r.headers().lastHeader("freshrag-priority").value()).isEqualTo("bulk".getBytes(StandardCharsets.UTF_8));
            assertThat(r.headers().lastHeader("freshrag.repair")).isNotNull();
            String[] key = new String(r.key(), StandardCharsets.UTF_8).split("/", 2);
            String value = new String(r.value(), StandardCharsets.UTF_8);
            long version = Long.parseLong(value.replaceAll("\\D", ""));
            DocumentOps ops;
            if (key[0].equals(tenant) && versions.get(key[1]) == version) {
                List<ChunkOp> embeds = chunks.get(key[1]).stream().map(c -> ChunkOp.embed(c.chunkId(), c.seq(), c.hash(), c.text())).toList();
                ops = new DocumentOps(key[0], key[1], version, DocumentOps.Kind.APPLY, key[1], Map.of(), embeds, embeds.size(),
                        r.partition(), r.offset());
            } else {
                ops = new DocumentOps(key[0], key[1], version, DocumentOps.Kind.SKIP, null, null, null, 0, r.partition(), r.offset());
            }
            ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(Topics.CHUNK_OPS_BULK, r.partition(), r.key(), EventJson.write(ops));
            out.headers().add(GenerationHeader.NAME, g.value());
            broker.produce(out);
            n++;
        }
        return n;
    }

    private void ingestSays(IngestChunking word) {
        broker.produce(Topics.GENERATIONS, word.key().getBytes(StandardCharsets.UTF_8), EventJson.write(word), Map.of());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not within " + WAIT);
            }
            Thread.sleep(100);
        }
    }

    private List<String> chunksOf(Path dir, IndexFingerprint print, String docId) {
        try (LuceneReaderIndex reader = LuceneReaderIndex.open(dir, print, LuceneOptions.defaults())) {
            return reader.chunks(tenant, docId).stream().map(h -> h.chunkId() + "@" + h.version()).toList();
        }
    }

    private Optional<DocumentStatus> documentIn(Path dir, IndexFingerprint print, String docId) {
        try (LuceneReaderIndex reader = LuceneReaderIndex.open(dir, print, LuceneOptions.defaults())) {
            return reader.document(tenant, docId);
        }
    }

    private static ChunkOp chunk(String id, int seq, String text) {
        return ChunkOp.embed(id, seq, "h-" + id, text);
    }

    @Test
    void aModelChangeRunsBesideLiveWritesSwitchesRollsBackAndDropsThePreviousGeneration() throws Exception {
        Path g1 = ConsumerTestResources.INDEX_DIR;
        Path g2 = g1.resolve("g2");
        ChunkOp a = chunk(tenant + "-a", 0, "Penguins live in the southern hemisphere.");
        ChunkOp b = chunk(tenant + "-b", 1, "Polar bears live in the Arctic.");
        ChunkOp c = chunk(tenant + "-c", 0, "Camels store fat in their humps.");
        ChunkOp d = chunk(tenant + "-d", 0, "Owls hunt at night.");
        ChunkOp e = chunk(tenant + "-e", 1, "Salmon swim upstream to spawn.");
        liveChange("d1", 1, List.of(a, b), List.of(a, b));
        liveChange("d2", 1, List.of(c), List.of(c));
        liveChange("d3", 1, List.of(d), List.of(d));
        await("the three documents in g1", () -> documentIn(g1, MINILM, "d3").isPresent()
                && documentIn(g1, MINILM, "d1").isPresent() && documentIn(g1, MINILM, "d2").isPresent());

        // before any reindex: g1, chunked the ingest's way (what the first start adopts it as)
        given().get("/v1/operator/reindex").then().statusCode(200).body("active.generation", equalTo("g1"))
                .body("active.chunkMaxTokens", equalTo(256)).body("building", nullValue());
        // refusals, as problem+json
        given().contentType(ContentType.JSON).body("{\"model\":\"bge-small-en-v1.5\",\"chunkMaxTokens\":1024}")
                .post("/v1/operator/reindex/start").then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("max length of bge-small-en-v1.5 (512 tokens)"));
        given().contentType(ContentType.JSON).body("{\"model\":\"all-minilm-l6-v2\",\"chunkMaxTokens\":256}")
                .post("/v1/operator/reindex/start").then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("chunking of the active generation g1 already"));
        given().contentType(ContentType.JSON).body("{\"model\":\"word2vec\"}")
                .post("/v1/operator/reindex/start").then().statusCode(400).body("detail", containsString("bge-small-en-v1.5"));
        given().post("/v1/operator/reindex/switch").then().statusCode(409).contentType("application/problem+json");
        // an ingest task that chunks otherwise than this service assumes (freshrag.reindex.chunk-max-tokens, 256)
        ingestSays(new IngestChunking(0, 384, "2026-12-01T00:00:00Z"));
        given().contentType(ContentType.JSON).body("{\"model\":\"bge-small-en-v1.5\"}").post("/v1/operator/reindex/start")
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("chunks at 384 tokens"))
                .body("detail", containsString("freshrag.reindex.chunk-max-tokens"));
        ingestSays(new IngestChunking(0, 256, "2026-12-01T00:00:01Z")); // restarted with the same chunking

        given().contentType(ContentType.JSON).body("{\"model\":\"bge-small-en-v1.5\"}").post("/v1/operator/reindex/start")
                .then().statusCode(200).body("active.generation", equalTo("g1")).body("building.generation", equalTo("g2"))
                .body("building.model", equalTo("bge-small-en-v1.5"));
        given().contentType(ContentType.JSON).body("{\"model\":\"bge-small-en-v1.5\"}").post("/v1/operator/reindex/start")
                .then().statusCode(409).body("detail", containsString("building already"));

        // a live edit during the reindex: v2 relabels a (with its text), drops b, adds e
        liveChange("d1", 2, List.of(ChunkOp.payload(a.chunkId(), 0, a.hash(), a.text()), ChunkOp.delete(b.chunkId()), e), List.of(a, e));

        Set<Long> handled = new java.util.HashSet<>();
        List<String> behind = new ArrayList<>();
        await("g2 caught up", () -> {
            ingestRedrives(handled);
            var status = given().get("/v1/operator/reindex").then().statusCode(200).extract();
            behind.add(status.path("behind"));
            return status.<Boolean>path("caughtUp");
        });
        assertThat(handled).as("re-driven records").isNotEmpty();
        given().get("/v1/operator/reindex").then().body("backfill.redriveDone", equalTo(true)).body("backfill.done", equalTo(true))
                .body("backfill.documentsApplied", equalTo((int) handled.size()));
        List<GenerationControl> records = broker.consumeAllBytes(Topics.GENERATIONS, Duration.ofSeconds(30)).stream()
                .filter(r -> !GenerationFollowed.isKey(new String(r.key(), StandardCharsets.UTF_8))) // the ingest's words
                .map(r -> EventJson.read(r.value(), GenerationControl.class)).toList();
        assertThat(records).last().satisfies(r -> {
            assertThat(r.generation()).isEqualTo("g2");
            assertThat(r.state()).isEqualTo(GenerationControl.State.BUILDING);
            assertThat(r.backfill().done()).isTrue();
        });

        Thread.sleep(1100); // the gauges read the status at most once a second
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("freshrag_reindex_building 1.0").contains("freshrag_reindex_caught_up 1.0")
                .contains("freshrag_reindex_lag_offsets{lane=\"live\"} 0.0")
                .contains("freshrag_reindex_documents{kind=\"applied\"} " + handled.size() + ".0");
        for (String doc : List.of("d1", "d2", "d3")) {
            assertThat(chunksOf(g2, BGE, doc)).as(doc + " in g2").isEqualTo(chunksOf(g1, MINILM, doc));
        }
        assertThat(chunksOf(g2, BGE, "d1")).containsExactly(a.chunkId() + "@2", e.chunkId() + "@2");

        given().post("/v1/operator/reindex/switch").then().statusCode(200).body("active.generation", equalTo("g2"))
                .body("previous.generation", equalTo("g1")).body("building", nullValue());
        assertThat(LuceneGenerations.at(g1).read().orElseThrow().active().id()).isEqualTo("g2");

        // after the switch both are written: a live edit reaches g2 (active) and g1 (kept for a rollback)
        liveChange("d2", 2, List.of(ChunkOp.payload(c.chunkId(), 0, c.hash(), c.text()), chunk(tenant + "-f", 1, "Ants farm aphids.")),
                List.of(c, chunk(tenant + "-f", 1, "Ants farm aphids.")));
        await("d2 v2 in both", () -> documentIn(g2, BGE, "d2").map(s -> s.version() == 2).orElse(false)
                && documentIn(g1, MINILM, "d2").map(s -> s.version() == 2).orElse(false));
        try (LuceneReaderIndex reader = LuceneReaderIndex.open(g2, BGE, LuceneOptions.defaults())) {
            List<SearchHit> hits = reader.chunks(tenant, "d2");
            assertThat(hits).extracting(SearchHit::chunkId).containsExactly(c.chunkId(), tenant + "-f");
        }

        given().post("/v1/operator/reindex/rollback").then().statusCode(200).body("active.generation", equalTo("g1"))
                .body("previous.generation", equalTo("g2"));
        given().post("/v1/operator/reindex/drop-previous").then().statusCode(200).body("active.generation", equalTo("g1"))
                .body("previous", nullValue());
        assertThat(Files.exists(g2)).as("g2's files deleted").isFalse();
        given().post("/v1/operator/reindex/rollback").then().statusCode(409).contentType("application/problem+json");
    }
}
