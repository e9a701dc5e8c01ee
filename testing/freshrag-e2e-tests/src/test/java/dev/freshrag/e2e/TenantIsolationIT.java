package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freshrag.events.Topics;
import dev.freshrag.security.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cross-tenant attempts on every endpoint with every role: none succeeds, none leaks a hit, and no
 * rejected request puts an event on Kafka.
 */
class TenantIsolationIT {

    private static PipelineStack stack;
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String A = "iso-a-" + RUN;
    private static final String B = "iso-b-" + RUN;
    private static final String SECRET = "The launch code for project nightingale is violet seven.";

    @BeforeAll
    static void start() {
        stack = PipelineStack.shared();
    }

    /** Every endpoint of tenant {@code t}, as (method, url, body). */
    private static List<Object[]> endpoints(String t) {
        String doc = stack.ingestUrl() + "/v1/tenants/" + t + "/documents/" + PipelineStack.encode("plans/secret.md");
        return List.of(
                new Object[] {"PUT", doc, Map.of("content", "overwritten by an intruder")},
                new Object[] {"DELETE", doc, null},
                new Object[] {"GET", stack.queryUrl() + "/v1/tenants/" + t + "/documents/" + PipelineStack.encode("plans/secret.md"), null},
                new Object[] {"POST", stack.queryUrl() + "/v1/tenants/" + t + "/search", Map.of("query", "launch code")},
                new Object[] {"POST", stack.queryUrl() + "/v1/tenants/" + t + "/answer", Map.of("question", "what is the launch code?")},
                new Object[] {"GET", stack.queryUrl() + "/v1/admin/tenants/" + t, null},
                new Object[] {"PUT", stack.queryUrl() + "/v1/admin/tenants/" + t, Map.of("topK", 3)});
    }

    private static long eventsOf(String tenant) {
        return stack.broker.consumeAllBytes(Topics.DOC_CHANGES, Duration.ofSeconds(10)).stream()
                .filter(r -> r.key() != null && new String(r.key(), java.nio.charset.StandardCharsets.UTF_8).startsWith(tenant + "/"))
                .count();
    }

    @Test
    void noKeyOfAnotherTenantDoesAnythingAndNothingLeaks() {
        PipelineStack.Answer put = stack.put(A, "plans/secret.md", Map.of("version", 1, "title", "Secret", "content", SECRET));
        assertThat(put.status()).isEqualTo(202);
        stack.put(B, "notes.md", Map.of("content", "Tenant B keeps notes about gardening and tomatoes."));
        String token = put.json().get("token").asText();
        assertThat(stack.search(A, Map.of("query", "launch code", "consistentWith", List.of(token))).json().get("hits")).isNotEmpty();

        List<String> failures = new ArrayList<>();
        for (Role role : Role.values()) {
            if (role == Role.OPERATOR) {
                continue; // bound to no tenant; its refusal on every tenant path is OperatorKeyTest's
            }
            String bKey = stack.key(B, role);
            for (Object[] e : endpoints(A)) {
                PipelineStack.Answer a = stack.send((String) e[0], (String) e[1], e[2], bKey);
                if (a.status() != 403) {
                    failures.add(B + "'s " + role + " key on " + e[0] + " " + e[1] + " -> " + a.status() + " " + a.body());
                }
                if (a.body().contains("nightingale")) {
                    failures.add("leak through " + e[0] + " " + e[1]);
                }
            }
        }
        for (Object[] e : endpoints(A)) {
            for (String key : new String[] {null, "frk_not-a-real-key", ""}) {
                PipelineStack.Answer a = stack.send((String) e[0], (String) e[1], e[2], key);
                if (a.status() != 401 || !a.contentType().startsWith("application/problem+json")) {
                    failures.add("key '" + key + "' on " + e[0] + " " + e[1] + " -> " + a.status());
                }
            }
        }
        // roles inside the own tenant: a reader cannot write, a writer cannot administer
        for (Object[] e : endpoints(A)) {
            String method = (String) e[0];
            String url = (String) e[1];
            boolean admin = url.contains("/v1/admin/");
            boolean write = method.equals("PUT") || method.equals("DELETE");
            if (admin || write) {
                int status = stack.send(method, url, e[2], stack.key(A, Role.READER)).status();
                if (status != 403) {
                    failures.add("A's reader on " + method + " " + url + " -> " + status);
                }
            }
            if (admin) {
                int status = stack.send(method, url, e[2], stack.key(A, Role.WRITER)).status();
                if (status != 403) {
                    failures.add("A's writer on " + method + " " + url + " -> " + status);
                }
            }
        }
        assertThat(failures).isEmpty();

        // B's own searches never see A's chunks, whatever the filter says
        for (Map<String, String> filter : List.of(Map.<String, String>of(), Map.of("tenant", A), Map.of("_tenant", A), Map.of("tenant", B))) {
            PipelineStack.Answer a = stack.search(B, Map.of("query", "launch code nightingale", "topK", 100, "filter", filter));
            assertThat(a.status()).isEqualTo(200);
            for (JsonNode hit : a.json().get("hits")) {
                assertThat(hit.get("text").asText()).doesNotContain("nightingale");
            }
        }
        // A's document is untouched, and only A's own PUT reached Kafka
        PipelineStack.Answer status = stack.document(A, "plans/secret.md");
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.json().get("version").asLong()).isEqualTo(1);
        assertThat(eventsOf(A)).isEqualTo(1);
    }
}
