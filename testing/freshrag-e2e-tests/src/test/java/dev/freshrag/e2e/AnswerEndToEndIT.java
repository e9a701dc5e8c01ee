package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Topics;
import dev.freshrag.security.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * RAG answers end to end: a document put through the ingest gateway, chunked, embedded and indexed by the
 * other two services on a real broker, then answered by the query-service process. No LLM runs here, so the
 * answers are extractive (quoted sentences with citation markers), which the answers say.
 */
class AnswerEndToEndIT {

    private static final String QUESTION = "How many vacation days do employees get?";
    private static PipelineStack stack;
    private final String tenant = "ans-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void start() {
        stack = PipelineStack.shared();
    }

    private static Map<String, Object> doc(long version, String content) {
        return Map.of("version", version, "title", "Leave policy", "contentType", "text/markdown", "content", content);
    }

    private String putDoc(String docId, long version, String content) {
        PipelineStack.Answer put = stack.put(tenant, docId, doc(version, content));
        assertThat(put.status()).as(put.body()).isEqualTo(202);
        return put.json().get("token").asText();
    }

    private PipelineStack.Answer answer(Map<String, Object> body) {
        return stack.send("POST", stack.queryUrl() + "/v1/tenants/" + tenant + "/answer", body, stack.key(tenant, Role.READER));
    }

    private static List<Integer> markers(String text) {
        List<Integer> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\[(\\d+)]").matcher(text);
        while (m.find()) {
            out.add(Integer.parseInt(m.group(1)));
        }
        return out;
    }

    @Test
    void withItsWriteTokenTheAnswerCitesTheNewVersion() {
        String docId = "handbook/leave.md";
        String t1 = putDoc(docId, 1, "# Leave\n\nEmployees receive twenty-five days of paid vacation every calendar year.\n\n"
                + "Unused vacation days expire at the end of March of the following year.");
        PipelineStack.Answer first = answer(Map.of("question", QUESTION, "consistentWith", List.of(t1)));
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        JsonNode a1 = first.json();
        assertThat(a1.get("consistent").asBoolean()).isTrue();
        assertThat(a1.get("generator").asText()).isEqualTo("extractive");
        assertThat(a1.get("model").isNull()).isTrue();
        assertThat(a1.get("adapter").isNull()).isTrue();
        assertThat(a1.get("citations").get(0).get("docId").asText()).isEqualTo(docId);
        assertThat(a1.get("citations").get(0).get("version").asLong()).isEqualTo(1);
        assertThat(a1.get("answer").asText()).contains("twenty-five days of paid vacation").contains("[1]");

        String t2 = putDoc(docId, 2, "# Leave\n\nEmployees receive thirty days of paid vacation every calendar year.\n\n"
                + "Unused vacation days expire at the end of March of the following year.");
        PipelineStack.Answer second = answer(Map.of("question", QUESTION, "consistentWith", List.of(t2)));
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        JsonNode a2 = second.json();
        assertThat(a2.get("consistent").asBoolean()).isTrue();
        assertThat(a2.get("citations")).isNotEmpty().allSatisfy(c -> {
            assertThat(c.get("docId").asText()).isEqualTo(docId);
            assertThat(c.get("version").asLong()).isEqualTo(2);
            assertThat(c.get("text").asText()).doesNotContain("twenty-five");
        });
        assertThat(a2.get("answer").asText()).contains("thirty days of paid vacation").doesNotContain("twenty-five");
        assertThat(markers(a2.get("answer").asText())).isNotEmpty().allMatch(n -> n >= 1 && n <= a2.get("citations").size());
    }

    @Test
    void aStreamedAnswerEndsWithTheCitations() throws Exception {
        String token = putDoc("ops/security.md", 1, "The quarterly security review covers firewall rules and badge access logs.");
        PipelineStack.Answer r = answer(Map.of("question", "What does the security review cover?", "consistentWith", List.of(token),
                "stream", true));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/event-stream");
        List<String> names = new ArrayList<>();
        List<JsonNode> data = new ArrayList<>();
        for (String frame : r.body().split("\n\n")) {
            String name = null;
            String json = null;
            for (String line : frame.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    json = line.substring(6);
                }
            }
            if (name != null && json != null) {
                names.add(name);
                data.add(EventJson.mapper().readTree(json));
            }
        }
        assertThat(names).isNotEmpty();
        assertThat(names.subList(0, names.size() - 1)).isNotEmpty().allMatch("token"::equals);
        assertThat(names.get(names.size() - 1)).isEqualTo("done");
        StringBuilder streamed = new StringBuilder();
        data.subList(0, data.size() - 1).forEach(d -> streamed.append(d.get("text").asText()));
        JsonNode done = data.get(data.size() - 1);
        assertThat(streamed.toString()).isEqualTo(done.get("answer").asText());
        assertThat(done.get("answer").asText()).contains("firewall rules");
        assertThat(done.get("citations").get(0).get("docId").asText()).isEqualTo("ops/security.md");
        assertThat(done.get("consistent").asBoolean()).isTrue();
    }

    @Test
    void theTenantConfigurationIsStoredOnTheCompactedTopicAndApplied() throws Exception {
        String token = null;
        for (int i = 0; i < 3; i++) {
            token = putDoc("rules/" + i + ".md", 1, "Rule " + i + ": visitors must sign in at the front desk before entering.");
        }
        String admin = stack.key(tenant, Role.ADMIN);
        String url = stack.queryUrl() + "/v1/admin/tenants/" + tenant;
        PipelineStack.Answer put = stack.send("PUT", url, Map.of("topK", 1,
                "adapter", Map.of("name", "acme-support", "source", "/adapters/acme-v3")), admin);
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        PipelineStack.Answer get = stack.send("GET", url, null, admin);
        assertThat(get.status()).isEqualTo(200);
        assertThat(get.json()).isEqualTo(put.json());

        ConsumerRecord<String, String> record = stack.broker.awaitRecord(Topics.TENANT_CONFIG, r -> tenant.equals(r.key()),
                Duration.ofSeconds(30));
        assertThat(EventJson.mapper().readTree(record.value())).isEqualTo(put.json());

        PipelineStack.Answer a = answer(Map.of("question", "What must visitors do?", "consistentWith", List.of(token)));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("citations")).hasSize(1);
        // no LLM is configured: the adapter is not used, and the answer does not pretend otherwise
        assertThat(a.json().get("generator").asText()).isEqualTo("extractive");
        assertThat(a.json().get("adapter").isNull()).isTrue();

        PipelineStack.Answer bad = stack.send("PUT", url, Map.of("topK", 0), admin);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
    }
}
