package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freshrag.events.DlqHeaders;
import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.Op;
import dev.freshrag.events.Topics;
import dev.freshrag.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The walking skeleton, end to end: put, find, update, delete, dead-letter; real broker, model and index. */
class PipelineEndToEndIT {

    private static PipelineStack stack;
    private final String tenant = "e2e-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void start() {
        stack = PipelineStack.shared();
    }

    private static Map<String, Object> doc(long version, String content) {
        return Map.of("version", version, "title", "Leave policy", "contentType", "text/markdown", "content", content,
                "metadata", Map.of("team", "hr"));
    }

    private List<JsonNode> hits(String query, List<String> tokens) {
        Map<String, Object> req = tokens == null ? Map.of("query", query, "topK", 5)
                : Map.of("query", query, "topK", 5, "consistentWith", tokens);
        PipelineStack.Answer a = stack.search(tenant, req);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        a.json().get("hits").forEach(out::add);
        return out;
    }

    @Test
    void putFindUpdateDelete() {
        String docId = "handbook/leave policy.md";
        String v1 = "# Leave\n\nEmployees receive twenty-five days of paid vacation every calendar year.\n\n"
                + "Unused vacation days expire at the end of March of the following year.";
        PipelineStack.Answer put = stack.put(tenant, docId, doc(1, v1));
        assertThat(put.status()).as(put.body()).isEqualTo(202);
        assertThat(put.json().get("tenant").asText()).isEqualTo(tenant);
        assertThat(put.json().get("docId").asText()).isEqualTo(docId);
        assertThat(put.json().get("version").asLong()).isEqualTo(1);
        String token = put.json().get("token").asText();

        // read-your-writes: with the token the very first search sees the write
        PipelineStack.Answer first = stack.search(tenant, Map.of("query", "how many vacation days do employees get", "consistentWith", List.of(token)));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("consistent").asBoolean()).isTrue();
        JsonNode top = first.json().get("hits").get(0);
        assertThat(top.get("docId").asText()).isEqualTo(docId);
        assertThat(top.get("text").asText()).contains("twenty-five days of paid vacation");
        assertThat(top.get("version").asLong()).isEqualTo(1);
        assertThat(top.get("title").asText()).isEqualTo("Leave policy");
        assertThat(top.get("metadata").get("team").asText()).isEqualTo("hr");
        // score is the fused reciprocal-rank score (hybrid is the default mode); the cosine is the dense branch's score
        assertThat(top.get("ranks").get("dense").asInt()).isEqualTo(1);
        assertThat(top.get("scores").get("dense").asDouble()).isGreaterThan(0.3);
        assertThat(top.get("score").asDouble()).isGreaterThan(0.0);

        PipelineStack.Answer status = stack.document(tenant, docId);
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.json().get("version").asLong()).isEqualTo(1);
        assertThat(status.json().get("chunks").asInt()).isGreaterThanOrEqualTo(1);

        // update: the new text is found, the old one never again
        String v2 = "# Leave\n\nEmployees receive thirty days of paid vacation every calendar year.\n\n"
                + "Unused vacation days expire at the end of March of the following year.";
        String token2 = stack.put(tenant, docId, doc(2, v2)).json().get("token").asText();
        List<JsonNode> after = hits("how many vacation days do employees get", List.of(token2));
        assertThat(after).isNotEmpty();
        assertThat(after).allSatisfy(h -> {
            assertThat(h.get("text").asText()).doesNotContain("twenty-five");
            assertThat(h.get("version").asLong()).isEqualTo(2);
        });
        assertThat(after.get(0).get("text").asText()).contains("thirty days");
        assertThat(stack.document(tenant, docId).json().get("version").asLong()).isEqualTo(2);

        // delete: nothing is found, the status is 404
        PipelineStack.Answer del = stack.delete(tenant, docId);
        assertThat(del.status()).isEqualTo(202);
        assertThat(hits("vacation days", List.of(del.json().get("token").asText()))).isEmpty();
        PipelineStack.Answer gone = stack.document(tenant, docId);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.contentType()).startsWith("application/problem+json");
    }

    @Test
    void searchableWithinTwoSecondsWithoutAToken() {
        String content = "The quarterly security review covers firewall rules and badge access logs.";
        stack.put(tenant, "ops/security.txt", Map.of("content", content));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() ->
                assertThat(hits("what does the security review cover", null)).extracting(h -> h.get("docId").asText()).contains("ops/security.txt"));
    }

    @Test
    void malformedEventGoesToTheDeadLetterTopicAndTheNextGoodOneIsIndexed() {
        String badKey = tenant + "/broken";
        String truncated = "{\"tenant\": \"" + tenant + "\", \"docId\": ";
        stack.produceRaw(badKey.getBytes(StandardCharsets.UTF_8), truncated.getBytes(StandardCharsets.UTF_8), tenant);
        DocumentChange noContent = new DocumentChange(tenant, "no-content", 1L, Op.UPSERT, null, null, null, null, null);
        stack.produce(noContent);
        DocumentChange oversized = new DocumentChange(tenant, "oversized", 1L, Op.UPSERT, null, null, "y ".repeat(2_700_000), null, null);
        stack.produce(oversized);
        DocumentChange good = new DocumentChange(tenant, "good", 1L, Op.UPSERT, "Good", "text/plain",
                "Penguins huddle together to survive the Antarctic winter.", Map.of(), null);
        String token = stack.produce(good).toString();

        List<JsonNode> found = hits("how do penguins survive winter", List.of(token));
        assertThat(found).extracting(h -> h.get("docId").asText()).containsExactly("good");

        java.util.function.Predicate<ConsumerRecord<String, String>> mine = r -> r.key() != null && r.key().startsWith(tenant + "/");
        List<ConsumerRecord<String, String>> dead = stack.broker.awaitRecords(Topics.DLQ,
                rs -> rs.stream().filter(mine).count() >= 3, Duration.ofSeconds(30)).stream().filter(mine).toList();
        assertThat(dead).hasSize(3);
        ConsumerRecord<String, String> broken = dead.stream().filter(r -> r.key().equals(badKey)).findFirst().orElseThrow();
        assertThat(KafkaBroker.header(broken, DlqHeaders.REASON)).contains("not valid JSON");
        assertThat(KafkaBroker.header(broken, DlqHeaders.SOURCE_TOPIC)).isEqualTo(Topics.DOC_CHANGES);
        assertThat(broken.value()).isEqualTo(truncated);
        ConsumerRecord<String, String> missing = dead.stream().filter(r -> r.key().endsWith("/no-content")).findFirst().orElseThrow();
        assertThat(KafkaBroker.header(missing, DlqHeaders.FIELD)).isEqualTo("content");
        ConsumerRecord<String, String> big = dead.stream().filter(r -> r.key().endsWith("/oversized")).findFirst().orElseThrow();
        assertThat(KafkaBroker.header(big, DlqHeaders.REASON)).contains("5400000 bytes, above the limit of 5242880");
        assertThat(big.value()).hasSizeGreaterThan(5_400_000);
    }

    @Test
    void badRequestsGetProblemDetails() {
        PipelineStack.Answer badDocId = stack.put(tenant, "line\nbreak", Map.of("content", "x"));
        assertThat(badDocId.status()).isEqualTo(400);
        assertThat(badDocId.contentType()).startsWith("application/problem+json");
        assertThat(badDocId.json().get("violations").get(0).get("field").asText()).isEqualTo("docId");

        PipelineStack.Answer badContentType = stack.put(tenant, "d", Map.of("content", "x", "contentType", "application/pdf"));
        assertThat(badContentType.status()).isEqualTo(400);
        assertThat(badContentType.json().get("violations").get(0).get("field").asText()).isEqualTo("contentType");

        PipelineStack.Answer wrongType = stack.put(tenant, "d", "{\"content\": 5}");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.contentType()).startsWith("application/problem+json");

        PipelineStack.Answer topK = stack.search(tenant, Map.of("query", "x", "topK", 0));
        assertThat(topK.status()).isEqualTo(400);
        assertThat(topK.json().get("violations").get(0).get("field").asText()).isEqualTo("topK");

        PipelineStack.Answer noQuery = stack.search(tenant, Map.of("topK", 3));
        assertThat(noQuery.status()).isEqualTo(400);
        assertThat(noQuery.body()).doesNotContain("Exception").doesNotContain("at dev.");
    }

    @Test
    void metricsAreServedWithTheirContractNames() {
        String content = "Metrics make the pipeline observable for operators.";
        String token = stack.put(tenant, "metrics.txt", Map.of("content", content)).json().get("token").asText();
        assertThat(hits("observable pipeline", List.of(token))).isNotEmpty();
        String ingest = stack.send("GET", stack.ingestManagementUrl() + "/q/metrics", null).body();
        String embed = stack.send("GET", stack.embedManagementUrl() + "/q/metrics", null).body();
        for (String name : List.of("freshrag_events_applied_total", "freshrag_events_stale_total", "freshrag_chunks_reused_total", "freshrag_dlq_total")) {
            assertThat(ingest).as("ingest-service /q/metrics").containsPattern("(?m)^" + name + "[{ ]");
        }
        for (String name : List.of("freshrag_chunks_embedded_total", "freshrag_chunks_deleted_total", "freshrag_chunks_reused_total",
                "freshrag_dlq_total", "freshrag_freshness_seconds_count", "freshrag_freshness_seconds_bucket")) {
            assertThat(embed).as("embed-service /q/metrics").containsPattern("(?m)^" + name + "[{ ]");
        }
        assertThat(stack.metric(stack.embedManagementUrl(), "freshrag_freshness_seconds_count")).isGreaterThan(0);
        assertThat(stack.metric(stack.ingestManagementUrl(), "freshrag_events_applied_total")).isGreaterThan(0);
    }

    /** Health and metrics live on the management port only: what a client reaches on the API port is the API. */
    @Test
    void healthAndMetricsAreNotOnTheApiPorts() {
        for (String api : List.of(stack.ingestUrl(), stack.embedUrl(), stack.queryUrl())) {
            assertThat(stack.send("GET", api + "/q/metrics", null).status()).as(api + "/q/metrics").isEqualTo(404);
            assertThat(stack.send("GET", api + "/q/health/ready", null).status()).as(api + "/q/health/ready").isEqualTo(404);
        }
        for (String management : List.of(stack.ingestManagementUrl(), stack.embedManagementUrl(), stack.queryManagementUrl())) {
            assertThat(stack.send("GET", management + "/q/health/ready", null).status()).as(management).isEqualTo(200);
            assertThat(stack.send("GET", management + "/q/metrics", null).body()).as(management).contains("jvm_memory_used_bytes");
        }
        // the OpenAPI document describes the API and stays beside it
        assertThat(stack.send("GET", stack.queryUrl() + "/q/openapi", null).status()).isEqualTo(200);
    }

    /**
     * The stack's embed-service names all-MiniLM-L6-v2, its query-service no model: the query-service serves the model
     * the index holds, not the default for a new index (bge-small-en-v1.5), as after an upgrade that changed it.
     */
    @Test
    void aServiceWithoutAConfiguredModelServesTheModelTheIndexHolds() {
        JsonNode ready = stack.send("GET", stack.queryManagementUrl() + "/q/health/ready", null).json();
        JsonNode queryIndex = null;
        for (JsonNode check : ready.path("checks")) {
            if ("query-index".equals(check.path("name").asText())) {
                queryIndex = check.path("data");
            }
        }
        assertThat(queryIndex).as(ready.toString()).isNotNull();
        assertThat(queryIndex.path("model").asText()).as(ready.toString()).isEqualTo("all-minilm-l6-v2");
    }
}
