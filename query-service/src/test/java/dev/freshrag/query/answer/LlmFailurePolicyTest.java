package dev.freshrag.query.answer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.embedding.Embedder;
import dev.freshrag.query.llm.VllmServerDouble;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code freshrag.answer.on-llm-failure=error}: LLM failures are problem details, not extractive fallbacks. */
@QuarkusTest
@TestProfile(LlmFailurePolicyTest.ErrorPolicy.class)
class LlmFailurePolicyTest {

    public static class ErrorPolicy implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> c = new HashMap<>(new LlmProfile().getConfigOverrides());
            c.put("freshrag.answer.on-llm-failure", "error");
            c.put("freshrag.llm.read-timeout", "PT1S");
            return c;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Embedder embedder;

    @ConfigProperty(name = "freshrag.index.lucene.path")
    String indexPath;

    @TestHTTPResource("/")
    URL base;

    private final VllmServerDouble server = VllmServerDouble.shared();
    private final String tenant = "pol-" + UUID.randomUUID().toString().substring(0, 8);
    private String token;

    @BeforeEach
    void seed() {
        server.reset();
        token = TestIndex.put(Path.of(indexPath), embedder, tenant, "a.md", 1, "A",
                List.of("The office opens at nine in the morning on weekdays."));
    }

    @AfterEach
    void calm() {
        server.reset();
    }

    private Response answer(boolean stream) {
        return given().contentType("application/json")
                .body(Map.of("question", "When does the office open?", "consistentWith", List.of(token), "stream", stream))
                .post("/v1/tenants/" + tenant + "/answer");
    }

    @Test
    void anUnavailableLlmIs503WithRetryAfterAlsoForAStreamThatHasNotStarted() throws Exception {
        server.failChats(503);
        for (boolean stream : new boolean[] {false, true}) {
            Response r = answer(stream);
            assertThat(r.statusCode()).as("stream=%s: %s", stream, r.asString()).isEqualTo(503);
            assertThat(r.contentType()).startsWith("application/problem+json");
            assertThat(r.header("Retry-After")).isNotBlank();
            assertThat(JSON.readTree(r.asString()).get("detail").asText()).contains("LLM");
        }
    }

    @Test
    void anLlmThatRefusesTheRequestIs502() throws Exception {
        server.failChats(401);
        Response r = answer(false);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(502);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.asString()).doesNotContain("Exception");
    }

    @Test
    void aStreamThatBreaksAfterItStartedEndsWithAnErrorEvent() throws Exception {
        server.stallStreams(true); // the first token, then nothing: the 1 s read timeout fires mid-stream
        String body = JSON.writeValueAsString(Map.of("question", "When does the office open?", "consistentWith", List.of(token),
                "stream", true));
        SseClient.Result r = SseClient.post(base + "v1/tenants/" + tenant + "/answer", body, e -> { });
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.events()).extracting(SseClient.Event::name).containsExactly("token", "error");
        assertThat(r.events().get(0).data().get("text").asText()).isEqualTo("Answer ");
        JsonNode problem = r.events().get(1).data();
        assertThat(problem.get("status").asInt()).isEqualTo(503);
        assertThat(problem.get("detail").asText()).contains("timeout");
        assertThat(r.named("done")).isEmpty();
    }
}
