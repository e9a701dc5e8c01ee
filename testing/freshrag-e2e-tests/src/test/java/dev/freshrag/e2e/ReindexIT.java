package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneReaderIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16 on the packaged services: a reindex from all-MiniLM-L6-v2 to bge-small-en-v1.5 while live writes and
 * searches go on; at the switch every document is at its newest version in the new generation; rollback and
 * drop-previous; then a second reindex whose embed-service is killed mid-way resumes and is aborted. The test leaves
 * the shared stack as it found it (g1 active, nothing else), since the other tests read the index as MiniLM's.
 */
class ReindexIT {

    private static final Duration CATCH_UP = Duration.ofMinutes(6);
    private static final IndexFingerprint MINILM = new IndexFingerprint("all-minilm-l6-v2", 384);
    private static final IndexFingerprint BGE = new IndexFingerprint("bge-small-en-v1.5", 384);
    private static PipelineStack stack;
    private final String tenant = "reindex-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void start() {
        stack = PipelineStack.shared();
    }

    private static String content(String doc, int version) {
        StringBuilder b = new StringBuilder("# " + doc + "\n\n");
        for (int p = 0; p < 3; p++) {
            b.append("Paragraph ").append(p).append(" of ").append(doc).append(" in version ").append(version)
                    .append(" explains how the warehouse team ").append(p * 7 + version)
                    .append(" schedules deliveries and checks the inventory every morning.\n\n");
        }
        return b.toString();
    }

    private String put(String docId, int version) {
        PipelineStack.Answer a = stack.put(tenant, docId, Map.of("version", version, "contentType", "text/markdown",
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
            if (a.status() == 200) { // 4xx/5xx or refused connections while a restarted service comes up
                last = a.json();
                if (last.path("caughtUp").asBoolean()) {
                    return last;
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("not caught up within " + CATCH_UP + ": " + last);
    }

    private List<String> chunks(Path dir, IndexFingerprint print, String docId) {
        try (LuceneReaderIndex reader = LuceneReaderIndex.open(dir, print, LuceneOptions.defaults())) {
            return reader.chunks(tenant, docId).stream().map(h -> h.chunkId() + "@" + h.version()).toList();
        }
    }

    @Test
    void aModelChangeWhileWritesAndSearchesGoOnSwitchesRollsBackAndResumesAfterACrash() throws Exception {
        List<String> docs = new ArrayList<>();
        String last = null;
        for (int i = 0; i < 24; i++) {
            docs.add("docs/" + i + ".md");
            last = put("docs/" + i + ".md", 1);
        }
        awaitConsistent(last);

        // searches all along: none may fail
        AtomicBoolean searching = new AtomicBoolean(true);
        AtomicInteger searches = new AtomicInteger();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread searcher = new Thread(() -> {
            while (searching.get()) {
                PipelineStack.Answer a = stack.search(tenant, Map.of("query", "inventory every morning", "topK", 5));
                searches.incrementAndGet();
                if (a.status() != 200) {
                    failures.add(a.status() + " " + a.body());
                }
            }
        }, "reindex-it-searches");
        searcher.start();

        long started = System.nanoTime();
        PipelineStack.Answer start = reindex("POST", "/start", Map.of("model", "bge-small-en-v1.5"));
        assertThat(start.status()).as(start.body()).isEqualTo(200);
        assertThat(start.json().at("/building/generation").asText()).isEqualTo("g2");
        // right after the start nothing is re-driven and applied yet (every document goes through bge on the CPU)
        PipelineStack.Answer tooEarly = reindex("POST", "/switch", null);
        assertThat(tooEarly.status()).as(tooEarly.body()).isEqualTo(409);
        assertThat(tooEarly.contentType()).contains("application/problem+json");
        assertThat(tooEarly.json().get("detail").asText()).contains("not caught up");

        // live writes during the reindex: new versions, a new document, a delete
        for (int i = 0; i < 6; i++) {
            last = put(docs.get(i), 2);
        }
        last = put("docs/new.md", 1);
        docs.add("docs/new.md");
        PipelineStack.Answer deleted = stack.delete(tenant, docs.get(23));
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(202);
        awaitConsistent(last);

        JsonNode caughtUp = awaitCaughtUp();
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("reindex: %d documents of this tenant (%d in the whole index re-driven), caught up %.1f s after "
                        + "start, %d searches meanwhile, %d failed%n", docs.size(), caughtUp.at("/backfill/redriven").asLong(),
                seconds, searches.get(), failures.size());

        Path g1 = stack.indexDir;
        Path g2 = stack.indexDir.resolve("g2");
        for (String doc : docs) {
            assertThat(chunks(g2, BGE, doc)).as(doc + " in g2").isEqualTo(chunks(g1, MINILM, doc));
        }
        assertThat(chunks(g2, BGE, docs.get(0))).isNotEmpty().allSatisfy(c -> assertThat(c).endsWith("@2"));
        assertThat(chunks(g2, BGE, docs.get(23))).as("deleted").isEmpty();
        assertThat(chunks(g2, BGE, "docs/new.md")).isNotEmpty();

        PipelineStack.Answer switched = reindex("POST", "/switch", null);
        assertThat(switched.status()).as(switched.body()).isEqualTo(200);
        assertThat(switched.json().at("/active/generation").asText()).isEqualTo("g2");
        String after = put(docs.get(7), 2); // after the switch: both generations
        awaitConsistent(after);
        PipelineStack.Answer rolledBack = reindex("POST", "/rollback", null);
        assertThat(rolledBack.status()).as(rolledBack.body()).isEqualTo(200);
        assertThat(rolledBack.json().at("/active/generation").asText()).isEqualTo("g1");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!chunks(g2, BGE, docs.get(7)).stream().allMatch(c -> c.endsWith("@2")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertThat(chunks(g2, BGE, docs.get(7))).as("the edit after the switch reached g2 too")
                .isNotEmpty().allSatisfy(c -> assertThat(c).endsWith("@2"));
        assertThat(chunks(g1, MINILM, docs.get(7))).isNotEmpty().allSatisfy(c -> assertThat(c).endsWith("@2"));
        PipelineStack.Answer dropped = reindex("POST", "/drop-previous", null);
        assertThat(dropped.status()).as(dropped.body()).isEqualTo(200);
        assertThat(Files.exists(g2)).isFalse();

        // a second reindex, its embed-service killed right after the start: the restarted one resumes it
        PipelineStack.Answer again = reindex("POST", "/start", Map.of("model", "bge-small-en-v1.5"));
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().at("/building/generation").asText()).isEqualTo("g3");
        stack.crashAndRestartEmbed();
        String duringResume = put(docs.get(8), 2);
        awaitCaughtUp();
        awaitConsistent(duringResume);
        Path g3 = stack.indexDir.resolve("g3");
        long resumeDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!chunks(g3, BGE, docs.get(8)).equals(chunks(g1, MINILM, docs.get(8))) && System.nanoTime() < resumeDeadline) {
            Thread.sleep(200);
        }
        for (String doc : docs) {
            assertThat(chunks(g3, BGE, doc)).as(doc + " in g3 after the crash").isEqualTo(chunks(g1, MINILM, doc));
        }
        PipelineStack.Answer aborted = reindex("POST", "/abort", null);
        assertThat(aborted.status()).as(aborted.body()).isEqualTo(200);
        assertThat(aborted.json().path("building").isNull()).isTrue();

        searching.set(false);
        searcher.join();
        assertThat(failures).as("failed searches during the reindex").isEmpty();
        assertThat(searches.get()).isPositive();
    }
}
