package dev.freshrag.ingest.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.events.Topics;
import dev.freshrag.events.WriteToken;
import dev.freshrag.testkit.KafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The HTTP gateway on the in-JVM broker: an accepted PUT or DELETE is an event on kb.doc-changes, exactly where its
 * token says; a rejected one is a 4xx problem and nothing on the topic. {@code DocumentGatewayIT} runs the same tests
 * against the packaged application.
 */
@QuarkusTest
class DocumentGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final String tenant = "gw-" + UUID.randomUUID().toString().substring(0, 8);

    /** {@code docId} as it goes on the wire: already URL-encoded, so that {@code %2F} stays one path segment. */
    private Response put(String encodedDocId, String body) {
        return given().urlEncodingEnabled(false).contentType("application/json").body(body)
                .put("/v1/tenants/" + tenant + "/documents/" + encodedDocId);
    }

    /** The record the token names, read from kb.doc-changes. */
    private static ConsumerRecord<String, String> recordOf(WriteToken token) {
        return KafkaBroker.shared().awaitRecord(Topics.DOC_CHANGES,
                r -> r.partition() == token.partition() && r.offset() == token.offset(), WAIT);
    }

    private static WriteToken accepted(Response r, String tenant, String docId) throws Exception {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
        JsonNode body = JSON.readTree(r.asString());
        assertThat(body.get("tenant").asText()).isEqualTo(tenant);
        assertThat(body.get("docId").asText()).isEqualTo(docId);
        WriteToken token = WriteToken.parse(body.get("token").asText()).orElseThrow();
        assertThat(token.tenant()).isEqualTo(tenant);
        return token;
    }

    @Test
    void aPutLandsOnDocChangesWhereItsTokenSays() throws Exception {
        Response r = put("handbook%2Fleave.md", """
                {"version": 3, "title": "Leave policy", "contentType": "text/markdown",
                 "content": "# Leave\\n\\nEmployees get 25 days of paid leave per year.", "metadata": {"team": "hr"}}""");
        WriteToken token = accepted(r, tenant, "handbook/leave.md");
        assertThat(JSON.readTree(r.asString()).get("version").asLong()).isEqualTo(3);

        ConsumerRecord<String, String> record = recordOf(token);
        assertThat(record.key()).isEqualTo(tenant + "/handbook/leave.md");
        JsonNode event = JSON.readTree(record.value());
        assertThat(event.get("tenant").asText()).isEqualTo(tenant);
        assertThat(event.get("docId").asText()).isEqualTo("handbook/leave.md");
        assertThat(event.get("op").asText()).isEqualTo("UPSERT");
        assertThat(event.get("version").asLong()).isEqualTo(3);
        assertThat(event.get("contentType").asText()).isEqualTo("text/markdown");
        assertThat(event.get("content").asText()).contains("25 days of paid leave");
        assertThat(event.get("metadata").get("team").asText()).isEqualTo("hr");
    }

    @Test
    void aDeleteLandsOnDocChangesWithItsVersion() throws Exception {
        Response r = given().urlEncodingEnabled(false).queryParam("version", 7)
                .delete("/v1/tenants/" + tenant + "/documents/old%2Fpage.html");
        WriteToken token = accepted(r, tenant, "old/page.html");

        JsonNode event = JSON.readTree(recordOf(token).value());
        assertThat(event.get("op").asText()).isEqualTo("DELETE");
        assertThat(event.get("docId").asText()).isEqualTo("old/page.html");
        assertThat(event.get("version").asLong()).isEqualTo(7);
        assertThat(event.path("content").isMissingNode() || event.get("content").isNull()).isTrue();
    }

    @Test
    void aBadBodyIsA4xxProblemAndNothingIsWritten() throws Exception {
        List<Response> rejected = List.of(
                put("a.md", "not json"),
                put("a.md", "{\"version\": \"three\", \"content\": \"x\"}"),
                put("a.md", "{\"version\": 1}"),
                put("a.md", "{\"version\": 1, \"content\": \"x\", \"contentType\": \"application/pdf\"}"));
        for (Response r : rejected) {
            assertThat(r.statusCode()).as(r.asString()).isBetween(400, 499);
            assertThat(r.contentType()).startsWith("application/problem+json");
            JsonNode problem = JSON.readTree(r.asString());
            assertThat(problem.get("status").asInt()).isEqualTo(r.statusCode());
            assertThat(problem.get("detail").asText()).isNotBlank();
            assertThat(r.asString()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        // the wrong type is named, not just refused
        assertThat(JSON.readTree(rejected.get(1).asString()).get("violations").get(0).get("field").asText()).isEqualTo("version");

        // a good write after the bad ones: once it is on the topic, nothing else of this tenant is
        WriteToken good = accepted(put("a.md", "{\"version\": 1, \"content\": \"fine\"}"), tenant, "a.md");
        recordOf(good);
        List<ConsumerRecord<String, String>> ours = KafkaBroker.shared().consumeAll(Topics.DOC_CHANGES, WAIT).stream()
                .filter(rec -> rec.key() != null && rec.key().startsWith(tenant + "/"))
                .toList();
        assertThat(ours).hasSize(1);
        assertThat(ours.get(0).offset()).isEqualTo(good.offset());
    }

    @Test
    void documentsOverTheLimitsAre413ProblemsNamingTheLimitAndNothingIsWritten() throws Exception {
        // a heading per line: every heading is a chunk
        Response headings = put("headings.md", JSON.writeValueAsString(java.util.Map.of("version", 1,
                "contentType", "text/markdown", "content", "# x\n".repeat(25_000))));
        JsonNode problem = tooLarge(headings);
        assertThat(problem.get("detail").asText())
                .isEqualTo("content: makes at least 25000 chunks, above the limit of 20000 chunks per document");
        assertThat(problem.get("violations").get(0).get("field").asText()).isEqualTo("content");

        // 2.5 MiB of a character that JSON escapes sixfold: few chunks, but a kb.chunk-ops record over the limit
        Response escaped = put("escaped.txt", JSON.writeValueAsString(java.util.Map.of("version", 1,
                "content", "\u0001".repeat(5 * 512 * 1024))));
        assertThat(tooLarge(escaped).get("detail").asText())
                .startsWith("content: makes a kb.chunk-ops record of ").endsWith("bytes, above the limit of 16252928 bytes");

        // the line the old extractor needed seconds for is an ordinary document now
        WriteToken hostile = accepted(put("emphasis.md", JSON.writeValueAsString(java.util.Map.of("version", 1,
                "contentType", "text/markdown", "content", "*y ".repeat(20_000)))), tenant, "emphasis.md");
        recordOf(hostile);
        List<ConsumerRecord<String, String>> ours = KafkaBroker.shared().consumeAll(Topics.DOC_CHANGES, WAIT).stream()
                .filter(rec -> rec.key() != null && rec.key().startsWith(tenant + "/"))
                .toList();
        assertThat(ours).extracting(ConsumerRecord::key).containsExactly(tenant + "/emphasis.md");
    }

    private static JsonNode tooLarge(Response r) throws Exception {
        assertThat(r.statusCode()).as(r.asString().substring(0, Math.min(300, r.asString().length()))).isEqualTo(413);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode problem = JSON.readTree(r.asString());
        assertThat(problem.get("status").asInt()).isEqualTo(413);
        assertThat(problem.get("type").asText()).isEqualTo("https://freshrag.dev/problems/document-too-large");
        return problem;
    }
}
