package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freshrag.events.EventJson;
import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.lucene.LuceneReaderIndex;
import dev.freshrag.security.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two lanes on the real stack: a corpus load through {@code documents:bulk} (marked bulk, kb.chunk-ops.bulk)
 * while live PUTs and DELETEs of the same documents race it. Whatever lane the embed-service applies first, each
 * document ends with exactly its newest change; the live edit is searchable while the load still runs; one bulk
 * token covers the whole batch.
 */
class LanesIT {

    private static PipelineStack stack;
    private final String tenant = "lanes-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void start() {
        stack = PipelineStack.shared();
    }

    private static String content(String doc, int version) {
        StringBuilder b = new StringBuilder("# " + doc + "\n\n");
        for (int p = 0; p < 4; p++) {
            b.append("Paragraph ").append(p).append(" of ").append(doc).append(" in version ").append(version)
                    .append(" describes the quarterly plan for team ").append(p * 13 + version)
                    .append(". It also lists the budget and the owners of each milestone in detail.\n\n");
        }
        return b.toString();
    }

    private static Map<String, Object> line(String docId, int version, String content) {
        return Map.of("docId", docId, "version", version, "contentType", "text/markdown", "content", content,
                "metadata", Map.of("doc", docId));
    }

    private PipelineStack.Answer bulk(List<Map<String, Object>> lines) {
        StringBuilder ndjson = new StringBuilder();
        for (Map<String, Object> l : lines) {
            ndjson.append(new String(EventJson.write(l), StandardCharsets.UTF_8)).append('\n');
        }
        // PipelineStack.send speaks application/json; the bulk endpoint takes NDJSON
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(stack.ingestUrl() + "/v1/tenants/" + tenant + "/documents:bulk"))
                    .timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/x-ndjson")
                    .header("Authorization", "Bearer " + stack.key(tenant, Role.WRITER))
                    .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString(), StandardCharsets.UTF_8))
                    .build(), HttpResponse.BodyHandlers.ofString());
            String type = r.headers().firstValue("Content-Type").orElse("");
            return new PipelineStack.Answer(r.statusCode(), type, r.body(),
                    type.contains("json") ? EventJson.mapper().readTree(r.body()) : null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private PipelineStack.Answer searchWith(String query, String token, long waitForMs) {
        long deadline = System.currentTimeMillis() + waitForMs;
        while (true) {
            PipelineStack.Answer a = stack.search(tenant, Map.of("query", query, "topK", 100, "consistentWith", List.of(token)));
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            if (a.json().get("consistent").asBoolean() || System.currentTimeMillis() > deadline) {
                return a;
            }
        }
    }

    /** The indexed chunk texts of a document, found by a search filtered on its metadata. */
    private List<String> texts(String docId) {
        PipelineStack.Answer a = stack.search(tenant, Map.of("query", "quarterly plan", "topK", 100, "filter", Map.of("doc", docId)));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        for (JsonNode h : a.json().get("hits")) {
            assertThat(h.get("docId").asText()).isEqualTo(docId);
            out.add(h.get("text").asText());
        }
        return out;
    }

    @Test
    void liveWritesRacingABulkLoadOfTheSameDocumentsEndWithTheNewestChange() {
        List<Map<String, Object>> load = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            load.add(line("corpus/" + i + ".md", 1, content("corpus " + i, 1)));
        }
        // the raced documents come last in the load, so their bulk versions wait behind the whole backlog
        load.add(line("raced.md", 1, content("raced", 1)));
        load.add(line("deleted.md", 1, content("deleted", 1)));
        long loadStart = System.nanoTime();
        PipelineStack.Answer accepted = bulk(load);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        assertThat(accepted.json().get("accepted").asInt()).isEqualTo(load.size());
        String bulkToken = accepted.json().get("token").asText();
        assertThat(bulkToken).startsWith("b1." + tenant + ".");

        // live: v2 of raced.md (diffed against the bulk v1 by the ingest), and a delete of deleted.md
        long liveStart = System.nanoTime();
        PipelineStack.Answer put = stack.put(tenant, "raced.md", Map.of("version", 2, "contentType", "text/markdown",
                "content", content("raced", 2).replace("Paragraph 3", "A rewritten paragraph 3"), "metadata", Map.of("doc", "raced.md")));
        assertThat(put.status()).as(put.body()).isEqualTo(202);
        String liveToken = put.json().get("token").asText();
        PipelineStack.Answer delete = stack.send("DELETE", stack.ingestUrl() + "/v1/tenants/" + tenant
                + "/documents/deleted.md?version=2", null, stack.key(tenant, Role.WRITER));
        assertThat(delete.status()).as(delete.body()).isEqualTo(202);
        String deleteToken = delete.json().get("token").asText();

        PipelineStack.Answer live = searchWith("rewritten paragraph of raced", liveToken, 60_000);
        double liveSeconds = (System.nanoTime() - liveStart) / 1e9;
        double liveAfterLoadStart = (System.nanoTime() - loadStart) / 1e9;
        assertThat(live.json().get("consistent").asBoolean()).as("the live edit is applied within 60 s").isTrue();
        assertThat(searchWith("deleted", deleteToken, 60_000).json().get("consistent").asBoolean()).isTrue();

        PipelineStack.Answer all = searchWith("quarterly plan budget owners milestone", bulkToken, 180_000);
        double bulkSeconds = (System.nanoTime() - loadStart) / 1e9;
        assertThat(all.json().get("consistent").asBoolean()).as("the bulk token is covered within 180 s").isTrue();
        System.out.printf("lanes: %d documents through documents:bulk; a live edit of one of them, PUT right after the load"
                + " was accepted, was searchable %.2f s after its PUT (%.2f s after the load started); the whole load after"
                + " %.2f s%n", load.size(), liveSeconds, liveAfterLoadStart, bulkSeconds);

        // each document holds exactly its newest change, whichever lane the embed-service applied first
        try (LuceneReaderIndex index = stack.openIndexReader()) {
            index.refreshNow();
            Optional<DocumentStatus> raced = index.document(tenant, "raced.md");
            assertThat(raced).isPresent();
            assertThat(raced.get().version()).isEqualTo(2);
            assertThat(index.document(tenant, "deleted.md")).as("the live delete wins over the older bulk upsert").isEmpty();
            assertThat(index.document(tenant, "corpus/0.md").orElseThrow().version()).isEqualTo(1);
        }
        List<String> racedTexts = texts("raced.md");
        assertThat(String.join("\n", racedTexts)).contains("A rewritten paragraph 3").doesNotContain("version 1")
                .doesNotContain("Paragraph 3 of raced");
        assertThat(texts("deleted.md")).isEmpty();
        assertThat(texts("corpus/7.md")).isNotEmpty().allSatisfy(t -> assertThat(t).contains("version 1"));
        PipelineStack.Answer status = stack.document(tenant, "raced.md");
        assertThat(status.json().get("chunks").asInt()).isEqualTo(racedTexts.size());
    }

    @Test
    void aBulkTokenOfAnotherTenantIsRefused() {
        PipelineStack.Answer a = stack.search(tenant, Map.of("query", "x", "consistentWith", List.of("b1.someone-else.0.5")));
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.contentType()).startsWith("application/problem+json");
    }
}
