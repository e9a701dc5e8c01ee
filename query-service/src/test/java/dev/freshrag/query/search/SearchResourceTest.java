package dev.freshrag.query.search;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.embedding.Embedder;
import dev.freshrag.query.answer.TestIndex;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Search modes, fused scores and ranks, and the per-document limit, over a real index with real embeddings. */
@QuarkusTest
class SearchResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Embedder embedder;

    @ConfigProperty(name = "freshrag.index.lucene.path")
    String indexPath;

    @ConfigProperty(name = "freshrag.search.rrf-k")
    int rrfK;

    private final String tenant = "srch-" + UUID.randomUUID().toString().substring(0, 8);

    private String put(String docId, String title, String... chunks) {
        return TestIndex.put(Path.of(indexPath), embedder, tenant, docId, 1, title, List.of(chunks));
    }

    /** The corpus's write tokens: every search waits for them, as a writer reading its own writes would. */
    private final List<String> written = new ArrayList<>();

    private void corpus() {
        written.add(put("leave.md", "Leave policy", "Employees get twenty-five days of paid vacation per year.",
                "Vacation days not taken by March expire.", "Vacation requests need two weeks of notice."));
        written.add(put("errors.md", "Error codes", "Error E1042 means the disk of the build agent is full."));
        written.add(put("travel.md", "Travel", "Train travel is booked by the office; holidays abroad need no approval."));
    }

    private JsonNode search(Map<String, Object> request) throws Exception {
        Map<String, Object> body = new java.util.HashMap<>(request);
        if (!written.isEmpty()) {
            // a read that raced the reader's refresh would rank an index without the newest documents
            body.put("consistentWith", written);
        }
        Response r = given().contentType("application/json").body(body).post("/v1/tenants/" + tenant + "/search");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return JSON.readTree(r.asString());
    }

    private static List<String> docIds(JsonNode answer) {
        List<String> ids = new ArrayList<>();
        answer.get("hits").forEach(h -> ids.add(h.get("docId").asText()));
        return ids;
    }

    @Test
    void hybridIsTheDefaultAndEachHitCarriesItsFusedScoreRanksAndBranchScores() throws Exception {
        corpus();

        JsonNode answer = search(Map.of("query", "how many vacation days do employees get", "topK", 3));

        JsonNode top = answer.get("hits").get(0);
        assertThat(top.get("docId").asText()).isEqualTo("leave.md");
        assertThat(top.get("text").asText()).contains("twenty-five days");
        JsonNode ranks = top.get("ranks");
        assertThat(ranks.get("dense").asInt()).isEqualTo(1);
        assertThat(ranks.get("lexical").asInt()).isPositive();
        assertThat(top.get("score").asDouble()).isCloseTo(1.0 / (rrfK + 1) + 1.0 / (rrfK + ranks.get("lexical").asInt()),
                org.assertj.core.api.Assertions.within(1e-6));
        assertThat(top.get("scores").get("dense").asDouble()).as("the cosine").isGreaterThan(0.3).isLessThanOrEqualTo(1);
        assertThat(top.get("scores").get("lexical").asDouble()).as("BM25").isPositive();
    }

    @Test
    void anExactIdentifierComesFirstInHybridAndLexicalMode() throws Exception {
        corpus();

        for (String mode : List.of("hybrid", "lexical")) {
            JsonNode answer = search(Map.of("query", "E1042", "topK", 3, "mode", mode));
            assertThat(docIds(answer)).as(mode).first().isEqualTo("errors.md");
            assertThat(answer.get("hits").get(0).get("ranks").get("lexical").asInt()).isEqualTo(1);
        }
        JsonNode lexical = search(Map.of("query", "E1042", "topK", 3, "mode", "lexical"));
        assertThat(docIds(lexical)).containsExactly("errors.md");
        assertThat(lexical.get("hits").get(0).get("ranks").has("dense")).isFalse();
    }

    @Test
    void denseModeRanksByTheEmbeddingAlone() throws Exception {
        corpus();

        JsonNode answer = search(Map.of("query", "time off work", "topK", 5, "mode", "DENSE"));

        assertThat(answer.get("hits")).hasSize(5);
        double previous = 2;
        int rank = 0;
        for (JsonNode hit : answer.get("hits")) {
            rank++;
            assertThat(hit.get("ranks").get("dense").asInt()).isEqualTo(rank);
            assertThat(hit.get("ranks").has("lexical")).isFalse();
            assertThat(hit.get("scores").get("dense").asDouble()).isLessThanOrEqualTo(previous);
            previous = hit.get("scores").get("dense").asDouble();
        }
    }

    @Test
    void maxPerDocumentKeepsRoomForOtherDocuments() throws Exception {
        corpus();

        JsonNode all = search(Map.of("query", "vacation days", "topK", 3, "mode", "dense"));
        JsonNode one = search(Map.of("query", "vacation days", "topK", 3, "mode", "dense", "maxPerDocument", 1));

        assertThat(docIds(all)).containsExactly("leave.md", "leave.md", "leave.md");
        assertThat(docIds(one)).hasSize(3).doesNotHaveDuplicates().first().isEqualTo("leave.md");
    }

    @Test
    void anUnknownModeOrABadLimitIsAProblemNamingWhatIsAllowed() {
        Map<String, Object> body = new HashMap<>(Map.of("query", "q", "mode", "semantic"));
        Response mode = given().contentType("application/json").body(body).post("/v1/tenants/" + tenant + "/search");
        assertThat(mode.statusCode()).isEqualTo(400);
        assertThat(mode.contentType()).startsWith("application/problem+json");
        assertThat(mode.asString()).contains("mode").contains("hybrid, dense, lexical").contains("semantic");

        Response limit = given().contentType("application/json").body(Map.of("query", "q", "maxPerDocument", 0))
                .post("/v1/tenants/" + tenant + "/search");
        assertThat(limit.statusCode()).isEqualTo(400);
        assertThat(limit.asString()).contains("maxPerDocument").contains("between 1 and 100");

        Response answer = given().contentType("application/json").body(Map.of("question", "q", "mode", "x"))
                .post("/v1/tenants/" + tenant + "/answer");
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.asString()).contains("hybrid, dense, lexical");
    }
}
