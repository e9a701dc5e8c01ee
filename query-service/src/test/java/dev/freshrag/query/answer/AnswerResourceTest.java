package dev.freshrag.query.answer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.embedding.Embedder;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Answers without an LLM (the default): extractive, from a real index with real embeddings, with
 * read-your-writes and streaming.
 */
@QuarkusTest
class AnswerResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Embedder embedder;

    @ConfigProperty(name = "freshrag.index.lucene.path")
    String indexPath;

    @TestHTTPResource("/")
    URL base;

    private final String tenant = "ans-" + UUID.randomUUID().toString().substring(0, 8);

    private String put(String docId, long version, String title, String... chunks) {
        return TestIndex.put(Path.of(indexPath), embedder, tenant, docId, version, title, List.of(chunks));
    }

    private Response answer(Map<String, Object> body) {
        return given().contentType("application/json").body(body).post("/v1/tenants/" + tenant + "/answer");
    }

    private static JsonNode json(Response r) throws Exception {
        return JSON.readTree(r.asString());
    }

    static List<Integer> markers(String answer) {
        List<Integer> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\[(\\d+)]").matcher(answer);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    /** Citations numbered 1..n, and every marker in the answer names one of them. */
    static void assertCitationsConsistent(JsonNode a) {
        JsonNode citations = a.get("citations");
        for (int i = 0; i < citations.size(); i++) {
            assertThat(citations.get(i).get("n").asInt()).isEqualTo(i + 1);
            assertThat(citations.get(i).get("text").asText()).isNotBlank();
            assertThat(citations.get(i).get("chunkId").asText()).isNotBlank();
        }
        assertThat(markers(a.get("answer").asText())).allMatch(n -> n >= 1 && n <= citations.size());
    }

    @Test
    void answersExtractivelyAndCitesThePassagesItUsed() throws Exception {
        put("handbook/leave.md", 1, "Leave policy",
                "Employees receive twenty-five days of paid vacation every calendar year. Unused vacation days expire at the end of March.");
        String token = put("handbook/travel.md", 1, "Travel", "Train tickets are booked through the travel desk. Flights need a director's approval.");
        Response r = answer(Map.of("question", "How many vacation days do employees get?", "consistentWith", List.of(token)));
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode a = json(r);
        assertThat(a.get("generator").asText()).isEqualTo("extractive");
        assertThat(a.get("model").isNull()).isTrue();
        assertThat(a.get("adapter").isNull()).isTrue();
        assertThat(a.get("fallback").isNull()).isTrue();
        assertThat(a.get("usage").isNull()).isTrue();
        assertThat(a.get("consistent").asBoolean()).isTrue();
        assertThat(a.get("answer").asText()).startsWith("Employees receive twenty-five days of paid vacation every calendar year. [1]");
        JsonNode first = a.get("citations").get(0);
        assertThat(first.get("docId").asText()).isEqualTo("handbook/leave.md");
        assertThat(first.get("version").asLong()).isEqualTo(1);
        assertThat(first.get("title").asText()).isEqualTo("Leave policy");
        assertThat(a.get("citations")).hasSize(2);
        assertCitationsConsistent(a);
    }

    @Test
    void withTheWriteTokenTheAnswerCitesTheNewVersion() throws Exception {
        String docId = "handbook/leave.md";
        String t1 = put(docId, 1, "Leave policy", "Employees receive twenty-five days of paid vacation every calendar year.");
        JsonNode a1 = json(answer(Map.of("question", "How many vacation days do employees get?", "consistentWith", List.of(t1))));
        assertThat(a1.get("citations").get(0).get("version").asLong()).isEqualTo(1);

        String t2 = put(docId, 2, "Leave policy", "Employees receive thirty days of paid vacation every calendar year.");
        JsonNode a2 = json(answer(Map.of("question", "How many vacation days do employees get?", "consistentWith", List.of(t2))));
        assertThat(a2.get("consistent").asBoolean()).isTrue();
        assertThat(a2.get("citations")).isNotEmpty().allSatisfy(c -> {
            assertThat(c.get("docId").asText()).isEqualTo(docId);
            assertThat(c.get("version").asLong()).isEqualTo(2);
        });
        assertThat(a2.get("answer").asText()).contains("thirty days").doesNotContain("twenty-five");
    }

    @Test
    void whenTheIndexLagsTheAnswerSaysSoOrIs503OnRequest() throws Exception {
        put("a.md", 1, "A", "The office opens at nine in the morning on weekdays.");
        String future = TestIndex.unreachedToken(tenant);
        Response lax = answer(Map.of("question", "When does the office open?", "consistentWith", List.of(future)));
        assertThat(lax.statusCode()).isEqualTo(200);
        assertThat(json(lax).get("consistent").asBoolean()).isFalse();

        Response strict = answer(Map.of("question", "When does the office open?", "consistentWith", List.of(future),
                "requireConsistent", true));
        assertThat(strict.statusCode()).isEqualTo(503);
        assertThat(strict.contentType()).startsWith("application/problem+json");
        assertThat(strict.header("Retry-After")).isNotBlank();
    }

    @Test
    void streamsTokenEventsThenADoneEventWithTheCitations() throws Exception {
        String token = put("handbook/leave.md", 1, "Leave policy",
                "Employees receive thirty days of paid vacation every calendar year. Unused vacation days expire at the end of March.");
        String body = JSON.writeValueAsString(Map.of("question", "When do unused vacation days expire?", "consistentWith", List.of(token),
                "stream", true));
        SseClient.Result r = SseClient.post(base + "v1/tenants/" + tenant + "/answer", body, e -> { });
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/event-stream");
        List<SseClient.Event> tokens = r.named("token");
        List<SseClient.Event> done = r.named("done");
        assertThat(tokens).isNotEmpty();
        assertThat(done).hasSize(1);
        assertThat(r.events().get(r.events().size() - 1).name()).isEqualTo("done");
        JsonNode a = done.get(0).data();
        StringBuilder text = new StringBuilder();
        tokens.forEach(t -> text.append(t.data().get("text").asText()));
        assertThat(text.toString()).isEqualTo(a.get("answer").asText());
        assertThat(a.get("answer").asText()).startsWith("Unused vacation days expire at the end of March. [1]");
        assertThat(a.get("generator").asText()).isEqualTo("extractive");
        assertThat(a.get("citations").get(0).get("docId").asText()).isEqualTo("handbook/leave.md");
        assertCitationsConsistent(a);
    }

    @Test
    void theTenantsTopKApplies() throws Exception {
        String token = null;
        for (int i = 0; i < 4; i++) {
            token = put("doc" + i, 1, "Doc " + i, "Rule " + i + ": visitors must sign in at the front desk before entering.");
        }
        JsonNode all = json(answer(Map.of("question", "What must visitors do?", "consistentWith", List.of(token))));
        assertThat(all.get("citations")).hasSize(4);
        Response put = given().contentType("application/json").body(Map.of("topK", 2)).put("/v1/admin/tenants/" + tenant);
        assertThat(put.statusCode()).as(put.asString()).isEqualTo(200);
        JsonNode two = json(answer(Map.of("question", "What must visitors do?")));
        assertThat(two.get("citations")).hasSize(2);
        JsonNode explicit = json(answer(Map.of("question", "What must visitors do?", "topK", 3)));
        assertThat(explicit.get("citations")).hasSize(3);
    }

    @Test
    void withNothingIndexedTheAnswerSaysSo() throws Exception {
        JsonNode a = json(answer(Map.of("question", "Is there anything here?")));
        assertThat(a.get("answer").asText()).isEqualTo(ExtractiveGenerator.NO_PASSAGES);
        assertThat(a.get("citations")).isEmpty();
    }

    @Test
    void badRequestsAreProblemDetails() throws Exception {
        Response noQuestion = answer(Map.of("topK", 3));
        assertThat(noQuestion.statusCode()).isEqualTo(400);
        assertThat(noQuestion.contentType()).startsWith("application/problem+json");
        assertThat(json(noQuestion).get("violations").get(0).get("field").asText()).isEqualTo("question");

        Response topK = answer(Map.of("question", "x", "topK", 0));
        assertThat(topK.statusCode()).isEqualTo(400);
        assertThat(json(topK).get("violations").get(0).get("field").asText()).isEqualTo("topK");

        Response badToken = answer(Map.of("question", "x", "consistentWith", List.of("v1.someone-else.0.1")));
        assertThat(badToken.statusCode()).isEqualTo(400);
        assertThat(json(badToken).get("violations").get(0).get("field").asText()).isEqualTo("consistentWith[0]");

        Response noBody = given().contentType("application/json").post("/v1/tenants/" + tenant + "/answer");
        assertThat(noBody.statusCode()).isEqualTo(400);
        assertThat(noBody.contentType()).startsWith("application/problem+json");

        Response badTenant = given().contentType("application/json").body(Map.of("question", "x")).post("/v1/tenants/Bad_Tenant/answer");
        assertThat(badTenant.statusCode()).isEqualTo(400);
        assertThat(badTenant.asString()).doesNotContain("Exception");
    }
}
