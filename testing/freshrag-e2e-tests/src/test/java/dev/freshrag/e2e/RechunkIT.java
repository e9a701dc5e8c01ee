package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneReaderIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, re-chunking on the packaged services: {@code reindex start --model all-minilm-l6-v2 --chunk-max-tokens 128}
 * beside the active generation chunked at 256 tokens. The ingest-service follows kb.generations and chunks every change
 * a second time for the new generation; the backfill starts once every ingest task said so. At caught-up the new
 * generation holds every document's newest version cut into chunks of at most 128 tokens (each document here is one
 * 256-token chunk and several 128-token ones), the active one still the 256-token chunks; an edit after the switch
 * reaches both with their own chunking. Leaves the shared stack with its first generation active and nothing else.
 * Generation ids are read from the answers (other tests start reindexes on the same stack).
 */
class RechunkIT {

    private static final Duration CATCH_UP = Duration.ofMinutes(6);
    private static final IndexFingerprint MINILM = new IndexFingerprint("all-minilm-l6-v2", 384);
    private static PipelineStack stack;
    private final String tenant = "rechunk-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void start() {
        stack = PipelineStack.shared();
    }

    /**
     * One paragraph of about 200 tokens: one chunk at 256 (a paragraph is split only when it does not fit), two or more
     * at 128 (split between sentences).
     */
    private static String content(String doc, int version) {
        StringBuilder b = new StringBuilder();
        for (int p = 0; p < 6; p++) {
            b.append("Sentence ").append(p).append(" of ").append(doc).append(" in version ").append(p == 4 ? version : 1)
                    .append(" explains how the warehouse team schedules deliveries and reports ").append(p * 7)
                    .append(" missing parcels. ");
        }
        return b.toString().trim();
    }

    private String put(String docId, int version) {
        PipelineStack.Answer a = stack.put(tenant, docId, Map.of("version", version, "contentType", "text/plain",
                "content", content(docId, version)));
        assertThat(a.status()).as(a.body()).isEqualTo(202);
        return a.json().get("token").asText();
    }

    private void awaitConsistent(String token) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            PipelineStack.Answer a = stack.search(tenant, Map.of("query", "warehouse deliveries", "topK", 3,
                    "consistentWith", List.of(token)));
            assertThat(a.status()).as(a.body()).isEqualTo(200);
            if (a.json().get("consistent").asBoolean()) {
                return;
            }
        }
        throw new AssertionError("token " + token + " not applied within 120 s");
    }

    private PipelineStack.Answer reindex(String method, String verb, Object body) {
        return stack.send(method, stack.embedUrl() + "/v1/operator/reindex" + verb, body, stack.operatorKey(), Duration.ofSeconds(120));
    }

    private JsonNode awaitCaughtUp() throws InterruptedException {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            PipelineStack.Answer a = reindex("GET", "", null);
            if (a.status() == 200) {
                last = a.json();
                if (last.path("caughtUp").asBoolean()) {
                    return last;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not caught up within " + CATCH_UP + ": " + last);
    }

    private List<SearchHit> chunks(Path dir, String docId) {
        try (LuceneReaderIndex reader = LuceneReaderIndex.open(dir, MINILM, LuceneOptions.defaults())) {
            return reader.chunks(tenant, docId);
        }
    }

    private static String words(List<SearchHit> chunks) {
        return chunks.stream().map(SearchHit::text).collect(Collectors.joining(" ")).replaceAll("\\s+", " ").trim();
    }

    /** One chunk at 256 in the active generation; two or more in the new one, the same text, all at {@code version}. */
    private void assertRechunked(Path active, Path rechunked, String doc, long version) {
        List<SearchHit> at256 = chunks(active, doc);
        List<SearchHit> at128 = chunks(rechunked, doc);
        assertThat(at256).as("%s at 256 tokens", doc).hasSize(1).allSatisfy(h -> assertThat(h.version()).isEqualTo(version));
        assertThat(at128).as("%s at 128 tokens", doc).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(h -> assertThat(h.version()).isEqualTo(version));
        assertThat(words(at128)).as("%s: the same text, cut at 128 tokens", doc).isEqualTo(words(at256));
    }

    @Test
    void aReindexFrom256To128TokensOnTheSameModelHoldsExactlyTheNewChunksOfEveryNewestVersion() throws Exception {
        List<String> docs = new ArrayList<>();
        String last = null;
        for (int i = 0; i < 12; i++) {
            docs.add("docs/" + i + ".txt");
            last = put("docs/" + i + ".txt", 1);
        }
        awaitConsistent(last);

        PipelineStack.Answer refused = reindex("POST", "/start", Map.of("model", "all-minilm-l6-v2", "chunkMaxTokens", 512));
        assertThat(refused.status()).as(refused.body()).isEqualTo(422);
        assertThat(refused.json().get("detail").asText()).contains("max length of all-minilm-l6-v2 (256 tokens)");

        long started = System.nanoTime();
        PipelineStack.Answer start = reindex("POST", "/start", Map.of("model", "all-minilm-l6-v2", "chunkMaxTokens", 128));
        assertThat(start.status()).as(start.body()).isEqualTo(200);
        String activeId = start.json().at("/active/generation").asText();
        String newId = start.json().at("/building/generation").asText();
        assertThat(start.json().at("/building/chunkMaxTokens").asInt()).isEqualTo(128);
        assertThat(start.json().at("/active/chunkMaxTokens").asInt()).isEqualTo(256);

        // live writes right after the start (the ingest may not follow the new generation yet): the backfill covers them
        for (int i = 0; i < 4; i++) {
            last = put(docs.get(i), 2);
        }
        PipelineStack.Answer deleted = stack.delete(tenant, docs.get(11));
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(202);
        awaitConsistent(last);

        JsonNode caughtUp = awaitCaughtUp();
        System.out.printf("rechunk: %d documents of this tenant (%d in the whole index re-driven), caught up %.1f s after "
                + "start%n", docs.size(), caughtUp.at("/backfill/redriven").asLong(), (System.nanoTime() - started) / 1e9);
        // (the query-service's GET .../index shows the chunking once it follows a pointer change: after the switch below;
        // a service started before the first reindex wrote the pointer says null until then)

        Path g1 = stack.indexDir; // the active one is the adopted first generation while no other test switched for good
        Path gNew = stack.indexDir.resolve(newId);
        Path gActive = activeId.equals("g1") ? g1 : stack.indexDir.resolve(activeId);
        for (int i = 0; i < 11; i++) {
            assertRechunked(gActive, gNew, docs.get(i), i < 4 ? 2 : 1);
        }
        assertThat(chunks(gNew, docs.get(11))).as("deleted").isEmpty();

        PipelineStack.Answer switched = reindex("POST", "/switch", null);
        assertThat(switched.status()).as(switched.body()).isEqualTo(200);
        assertThat(switched.json().at("/active/chunkMaxTokens").asInt()).isEqualTo(128);
        awaitChunking(128);
        String after = put(docs.get(5), 3); // after the switch: the new generation at 128, the previous one at 256
        awaitConsistent(after);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (chunks(gActive, docs.get(5)).stream().anyMatch(h -> h.version() != 3) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertRechunked(gActive, gNew, docs.get(5), 3);

        PipelineStack.Answer rolledBack = reindex("POST", "/rollback", null);
        assertThat(rolledBack.status()).as(rolledBack.body()).isEqualTo(200);
        assertThat(rolledBack.json().at("/active/generation").asText()).isEqualTo(activeId);
        PipelineStack.Answer dropped = reindex("POST", "/drop-previous", null);
        assertThat(dropped.status()).as(dropped.body()).isEqualTo(200);
        assertThat(Files.exists(gNew)).isFalse();
        awaitChunking(256);
    }

    /** Until the query-service serves the generation with that chunking (it follows the pointer). */
    private void awaitChunking(int tokens) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            PipelineStack.Answer a = stack.send("GET", stack.queryUrl() + "/v1/tenants/" + tenant + "/index", null,
                    stack.key(tenant, dev.freshrag.security.Role.READER), Duration.ofSeconds(30));
            if (a.status() == 200) {
                last = a.json();
                if (last.path("chunkMaxTokens").asInt() == tokens) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the query-service does not serve chunks of " + tokens + " tokens: " + last);
    }
}
