package dev.freshrag.query.generation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.events.WriteToken;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.generation.Generations;
import dev.freshrag.index.lucene.LuceneGenerations;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneWriterIndex;
import dev.freshrag.tokenizer.EmbeddingModel;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Tag;

/**
 * The query-service following a generation switch while it serves: a Lucene index with g1 (all-MiniLM-L6-v2 vectors,
 * at the root) and g2 (bge-small-en-v1.5 vectors of the same texts, in {@code g2/}), both real models. A thread
 * searches without pause while the pointer is switched to g2 and rolled back to g1. Every answer must come from one
 * generation whole: its hits' versions are that generation's (1 in g1, 2 in g2) and each hit's dense score is the
 * cosine of that generation's model's query vector with that model's chunk vector (the two models' cosines differ by
 * more than 0.01 for every text, so a query embedded with the other model would show).
 */
@QuarkusTest
@TestProfile(GenerationSwitchResourceTest.TwoGenerations.class)
@Tag("slow") // two real models and an application of its own, searching without pause: left out of the quick loop
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GenerationSwitchResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TENANT = "acme";
    private static final String QUERY = "how long may a line of Python code be";
    private static final IndexFingerprint MINILM = new IndexFingerprint("all-minilm-l6-v2", 384);
    private static final IndexFingerprint BGE = new IndexFingerprint("bge-small-en-v1.5", 384);
    static final List<String> TEXTS = List.of(
            "Limit all lines to a maximum of 79 characters.",
            "Use 4 spaces per indentation level.",
            "Surround top-level function and class definitions with two blank lines.",
            "Imports should usually be on separate lines.");
    /** g1 has applied partition 0 up to offset 10, g2 only up to 2: a token of offset 5 is covered in g1 only. */
    private static final String TOKEN = new WriteToken(TENANT, 0, 5).toString();

    private static OnnxEmbedder minilm;
    private static OnnxEmbedder bge;

    /** The index directory of this profile: g1 and g2 written, the pointer naming g1 active and g2 building. */
    public static final class TwoGenerationsIndex implements QuarkusTestResourceLifecycleManager {
        static final AtomicReference<Path> ROOT = new AtomicReference<>();

        @Override
        public Map<String, String> start() {
            try {
                Path base = Path.of("target").toAbsolutePath();
                Files.createDirectories(base);
                Path root = Files.createTempDirectory(base, "two-generations-").resolve("index");
                LuceneGenerations layout = LuceneGenerations.at(root);
                Generations g1 = layout.openOrAdopt(MINILM, 256, Instant.now());
                Generations plan = layout.change(g1, g1.start(BGE.modelId(), BGE.dimension(), 512, Instant.now()));
                try (OnnxEmbedder m = OnnxEmbedder.load(EmbedderOptions.defaults());
                     OnnxEmbedder b = OnnxEmbedder.load(EmbedderOptions.defaults().withModel(EmbeddingModel.BGE_SMALL_EN_V1_5))) {
                    fill(root, MINILM, m, 1, 10);
                    fill(layout.directory(plan.building().orElseThrow()), BGE, b, 2, 2);
                }
                ROOT.set(root);
                return Map.of("freshrag.index.lucene.path", root.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static void fill(Path dir, IndexFingerprint fp, OnnxEmbedder model, long version, long appliedUpTo) {
            float[][] vectors = model.embed(TEXTS);
            try (LuceneWriterIndex w = LuceneWriterIndex.open(dir, fp, LuceneOptions.defaults())) {
                List<IndexPoint> points = new ArrayList<>();
                for (int i = 0; i < TEXTS.size(); i++) {
                    points.add(new IndexPoint(TENANT, "d" + i, "d" + i + "-c0", 0, "h" + i, TEXTS.get(i),
                            new DocumentPayload(version, "doc " + i, Map.of()), vectors[i], System.currentTimeMillis()));
                }
                w.upsert(points);
                w.commit(SourceOffsets.applied(0, appliedUpTo));
            }
        }

        @Override
        public void stop() {
            // the directory stays under target/ for inspection
        }
    }

    /**
     * Its own index (and broker), a fast pointer check, a short read-your-writes wait, and bge configured although g1
     * (MiniLM) is active: the service starts on the active generation's model, as after a restart following a switch.
     */
    public static final class TwoGenerations implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("freshrag.generation-watch.lucene-interval", "PT0.05S",
                    "freshrag.consistency.default-wait", "PT0.3S",
                    "freshrag.embedding.model", BGE.modelId());
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(dev.freshrag.testkit.KafkaBrokerTestResource.class),
                    new TestResourceEntry(TwoGenerationsIndex.class));
        }

        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }
    }

    @BeforeAll
    static void loadModels() {
        minilm = OnnxEmbedder.load(EmbedderOptions.defaults());
        bge = OnnxEmbedder.load(EmbedderOptions.defaults().withModel(EmbeddingModel.BGE_SMALL_EN_V1_5));
    }

    @AfterAll
    static void closeModels() {
        minilm.close();
        bge.close();
    }

    /** One search's generation, hit versions and dense scores by docId. */
    private record Seen(String generation, List<Long> versions, Map<String, Float> scores) {
    }

    @Test
    @Order(1)
    void everySearchDuringSwitchAndRollbackUsesOneGenerationsModelAndVectors() throws Exception {
        Map<String, Float> g1Scores = expected(minilm);
        Map<String, Float> g2Scores = expected(bge);
        for (String doc : g1Scores.keySet()) {
            assertThat(Math.abs(g1Scores.get(doc) - g2Scores.get(doc))).as("the models' cosines for %s differ", doc)
                    .isGreaterThan(0.01f);
        }
        assertThat(indexView().get("generation").asText()).isEqualTo("g1");
        assertThat(indexView().get("model").asText()).as("the active generation's model, not the configured one")
                .isEqualTo(MINILM.modelId());
        assertThat(readinessData().get("model").asText()).isEqualTo(MINILM.modelId());

        List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        Thread searcher = new Thread(() -> {
            while (!stop.get()) {
                try {
                    seen.add(search());
                } catch (Exception | AssertionError e) {
                    failures.add(e.toString());
                }
            }
        }, "searcher");
        searcher.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() >= 5);
            LuceneGenerations layout = LuceneGenerations.at(TwoGenerationsIndex.ROOT.get());
            Generations before = layout.read().orElseThrow();
            Generations switched = layout.change(before, before.switchToBuilding());
            await().atMost(Duration.ofSeconds(60)).until(() -> last(seen).generation().equals("g2"));
            int afterSwitch = seen.size();
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() >= afterSwitch + 5);

            assertThat(indexView().get("generation").asText()).isEqualTo("g2");
            assertThat(indexView().get("model").asText()).isEqualTo(BGE.modelId());
            assertThat(indexView().get("chunkMaxTokens").asInt()).isEqualTo(512);
            String metrics = given().get("/q/metrics").asString();
            assertThat(metrics).contains("freshrag_generation_info{generation=\"g2\",model=\"bge-small-en-v1.5\",state=\"active\"} 1.0")
                    .doesNotContain("freshrag_generation_info{generation=\"g1\"");
            // read-your-writes against the searched generation's positions: g2 has not applied offset 5
            assertThat(searchWithToken().get("consistent").asBoolean()).isFalse();
            JsonNode answer = answer();
            assertThat(answer.get("generation").asText()).isEqualTo("g2");
            assertThat(answer.get("citations").get(0).get("version").asLong()).isEqualTo(2);

            layout.change(switched, switched.rollback()); // rollback: one more switch
            await().atMost(Duration.ofSeconds(60)).until(() -> last(seen).generation().equals("g1"));
            int afterRollback = seen.size();
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.size() >= afterRollback + 5);
        } finally {
            stop.set(true);
            searcher.join(30_000);
        }
        assertThat(failures).isEmpty();
        assertThat(indexView().get("generation").asText()).isEqualTo("g1");
        assertThat(searchWithToken().get("consistent").asBoolean()).isTrue();
        assertThat(given().get("/q/metrics").asString())
                .contains("freshrag_generation_info{generation=\"g1\",model=\"all-minilm-l6-v2\",state=\"active\"} 1.0")
                .doesNotContain("freshrag_generation_info{generation=\"g2\"");

        assertThat(seen).extracting(Seen::generation).contains("g1", "g2").containsOnly("g1", "g2");
        for (Seen s : seen) {
            long version = s.generation().equals("g1") ? 1 : 2;
            Map<String, Float> expected = s.generation().equals("g1") ? g1Scores : g2Scores;
            assertThat(s.versions()).as("hits of %s", s.generation()).hasSize(TEXTS.size()).containsOnly(version);
            s.scores().forEach((doc, score) -> assertThat(score).as("%s cosine of %s in %s", s.generation(), doc, s)
                    .isCloseTo(expected.get(doc), within(1e-3f)));
        }
        System.out.printf("generation switch: %d searches during switch and rollback (%d on g1, %d on g2), none mixed%n",
                seen.size(), seen.stream().filter(s -> s.generation().equals("g1")).count(),
                seen.stream().filter(s -> s.generation().equals("g2")).count());
    }

    @Test
    @Order(2)
    void aGenerationWhoseModelCannotBeLoadedLeavesTheServedOneAndIsReported() throws Exception {
        LuceneGenerations layout = LuceneGenerations.at(TwoGenerationsIndex.ROOT.get());
        Generations plan = layout.read().orElseThrow();
        assertThat(plan.active().number()).isEqualTo(1);
        Generations started = layout.change(plan, plan.start("no-such-model", 384, 256, Instant.now()));
        Generations broken = layout.change(started, started.switchToBuilding());

        await().atMost(Duration.ofSeconds(60)).until(() -> readinessData().has("switchFailedTo"));
        JsonNode data = readinessData();
        assertThat(data.get("switchFailedTo").asText()).isEqualTo("g3 (no-such-model)");
        assertThat(data.get("switchFailure").asText()).contains("no-such-model");
        assertThat(data.get("generation").asText()).isEqualTo("g1");
        Response ready = given().get("/q/health/ready");
        assertThat(ready.statusCode()).as("still ready: it serves a consistent generation").isEqualTo(200);
        assertThat(search().generation()).isEqualTo("g1");

        layout.change(broken, broken.rollback());
        await().atMost(Duration.ofSeconds(60)).until(() -> !readinessData().has("switchFailedTo"));
        assertThat(search().generation()).isEqualTo("g1");
    }

    private static Map<String, Float> expected(OnnxEmbedder model) {
        float[] q = model.embedQuery(QUERY);
        float[][] chunks = model.embed(TEXTS);
        Map<String, Float> scores = new HashMap<>();
        for (int i = 0; i < TEXTS.size(); i++) {
            float dot = 0;
            for (int j = 0; j < q.length; j++) {
                dot += q[j] * chunks[i][j];
            }
            scores.put("d" + i, dot);
        }
        return scores;
    }

    private static Seen last(List<Seen> seen) {
        synchronized (seen) {
            return seen.get(seen.size() - 1);
        }
    }

    private static Seen search() throws IOException {
        Response r = given().contentType("application/json")
                .body(Map.of("query", QUERY, "topK", TEXTS.size(), "mode", "dense"))
                .post("/v1/tenants/" + TENANT + "/search");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.asString());
        List<Long> versions = new ArrayList<>();
        Map<String, Float> scores = new HashMap<>();
        for (JsonNode hit : body.get("hits")) {
            versions.add(hit.get("version").asLong());
            scores.put(hit.get("docId").asText(), (float) hit.get("scores").get("dense").asDouble());
        }
        return new Seen(body.get("generation").asText(), versions, scores);
    }

    private static JsonNode searchWithToken() throws IOException {
        Response r = given().contentType("application/json")
                .body(Map.of("query", QUERY, "consistentWith", List.of(TOKEN)))
                .post("/v1/tenants/" + TENANT + "/search");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return JSON.readTree(r.asString());
    }

    private static JsonNode answer() throws IOException {
        Response r = given().contentType("application/json").body(Map.of("question", QUERY))
                .post("/v1/tenants/" + TENANT + "/answer");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return JSON.readTree(r.asString());
    }

    private static JsonNode indexView() throws IOException {
        Response r = given().get("/v1/tenants/" + TENANT + "/index");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return JSON.readTree(r.asString());
    }

    private static JsonNode readinessData() throws IOException {
        for (JsonNode c : JSON.readTree(given().get("/q/health/ready").asString()).get("checks")) {
            if (c.get("name").asText().equals("query-index")) {
                return c.get("data");
            }
        }
        throw new AssertionError("no query-index check");
    }
}
