package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneReaderIndex;
import dev.freshrag.tokenizer.EmbeddingModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * Searches run in a loop throughout (dense mode, so every hit carries a dense score): none fails, each names one
 * generation, and each hit's dense score is the cosine of that generation's model, computed here with both real
 * models (no mixed-model ranking across switch and rollback); a write just before the switch, searched with its token
 * just after, is found and consistent.
 */
class ReindexIT {

    private static final Duration CATCH_UP = Duration.ofMinutes(6);
    private static final IndexFingerprint MINILM = new IndexFingerprint("all-minilm-l6-v2", 384);
    private static final IndexFingerprint BGE = new IndexFingerprint("bge-small-en-v1.5", 384);
    private static PipelineStack stack;
    private static final String SEARCH_QUERY = "inventory every morning";
    private final String tenant = "reindex-" + UUID.randomUUID().toString().substring(0, 8);

    /** One search answer as the loop saw it: its generation and each hit's text and dense score. */
    private record Seen(String generation, List<String> texts, List<Double> dense) {
    }

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

        // searches all along: none may fail; what they answered is checked against both models at the end
        AtomicBoolean searching = new AtomicBoolean(true);
        AtomicInteger searches = new AtomicInteger();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<Seen> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread searcher = new Thread(() -> {
            while (searching.get()) {
                PipelineStack.Answer a = stack.search(tenant, Map.of("query", SEARCH_QUERY, "topK", 5, "mode", "dense"));
                searches.incrementAndGet();
                if (a.status() != 200) {
                    failures.add(a.status() + " " + a.body());
                } else {
                    List<String> texts = new ArrayList<>();
                    List<Double> dense = new ArrayList<>();
                    for (JsonNode hit : a.json().path("hits")) {
                        texts.add(hit.path("text").asText());
                        dense.add(hit.path("scores").path("dense").asDouble(Double.NaN));
                    }
                    seen.add(new Seen(a.json().path("generation").asText(""), texts, dense));
                }
            }
        }, "reindex-it-searches");
        searcher.start();

        long started = System.nanoTime();
        PipelineStack.Answer start = reindex("POST", "/start", Map.of("model", "bge-small-en-v1.5"));
        assertThat(start.status()).as(start.body()).isEqualTo(200);
        // the number is the next never used: g2 on a fresh stack, higher after another reindex test (RechunkIT) ran
        String built = start.json().at("/building/generation").asText();
        assertThat(built).matches("g\\d+").isNotEqualTo("g1");
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
        Path g2 = stack.indexDir.resolve(built);
        for (String doc : docs) {
            assertThat(chunks(g2, BGE, doc)).as(doc + " in g2").isEqualTo(chunks(g1, MINILM, doc));
        }
        assertThat(chunks(g2, BGE, docs.get(0))).isNotEmpty().allSatisfy(c -> assertThat(c).endsWith("@2"));
        assertThat(chunks(g2, BGE, docs.get(23))).as("deleted").isEmpty();
        assertThat(chunks(g2, BGE, "docs/new.md")).isNotEmpty();

        // read-your-writes across the switch: written just before it, searched with its token just after
        String beforeSwitch = put(docs.get(9), 2);
        PipelineStack.Answer switched = reindex("POST", "/switch", null);
        assertThat(switched.status()).as(switched.body()).isEqualTo(200);
        assertThat(switched.json().at("/active/generation").asText()).isEqualTo(built);
        assertFoundWithToken(docs.get(9), beforeSwitch, null); // whichever generation the query-service serves yet
        awaitServed(built);
        assertFoundWithToken(docs.get(9), beforeSwitch, built);
        awaitSeenByLoop(seen, built);
        String after = put(docs.get(7), 2); // after the switch: both generations
        awaitConsistent(after);
        String beforeRollback = put(docs.get(10), 2);
        PipelineStack.Answer rolledBack = reindex("POST", "/rollback", null);
        assertThat(rolledBack.status()).as(rolledBack.body()).isEqualTo(200);
        assertThat(rolledBack.json().at("/active/generation").asText()).isEqualTo("g1");
        assertFoundWithToken(docs.get(10), beforeRollback, null);
        awaitServed("g1");
        assertFoundWithToken(docs.get(10), beforeRollback, "g1");
        // the loop's one request in flight may have taken g2 before the query-service moved: it is skipped below
        int seenBeforeRollbackServed = seen.size() + 1;
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
        String resumed = again.json().at("/building/generation").asText();
        assertThat(resumed).matches("g\\d+").isNotIn("g1", built);
        stack.crashAndRestartEmbed();
        String duringResume = put(docs.get(8), 2);
        awaitCaughtUp();
        awaitConsistent(duringResume);
        Path g3 = stack.indexDir.resolve(resumed);
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
        assertThat(seen.subList(Math.min(seenBeforeRollbackServed, seen.size()), seen.size())).as("searches after the rollback")
                .isNotEmpty().allSatisfy(s -> assertThat(s.generation()).isEqualTo("g1"));
        assertNoMixedModelRanking(seen, built, resumed);
    }

    /**
     * Every answer names one generation of the plan (g1 MiniLM; the two built, bge) and each hit's dense score equals the
     * cosine of that generation's model's query and chunk vectors; a hit counts as telling the models apart when the
     * other model's cosine differs by more than 0.01, and most do, so a query embedded with the wrong model would show.
     */
    private static void assertNoMixedModelRanking(List<Seen> seen, String built, String resumed) {
        Map<String, Integer> byGeneration = new java.util.TreeMap<>();
        int hits = 0;
        int distinguishing = 0;
        long t0 = System.nanoTime();
        try (OnnxEmbedder minilm = OnnxEmbedder.load(EmbedderOptions.defaults());
             OnnxEmbedder bge = OnnxEmbedder.load(EmbedderOptions.defaults().withModel(EmbeddingModel.BGE_SMALL_EN_V1_5))) {
            Map<String, OnnxEmbedder> models = Map.of("g1", minilm, built, bge, resumed, bge);
            Map<OnnxEmbedder, Map<String, Double>> cosines = new HashMap<>();
            for (Seen s : seen) {
                assertThat(s.generation()).as("the generation an answer names").isIn(models.keySet());
                byGeneration.merge(s.generation(), 1, Integer::sum);
                OnnxEmbedder own = models.get(s.generation());
                OnnxEmbedder other = own == minilm ? bge : minilm;
                for (int i = 0; i < s.texts().size(); i++) {
                    double expected = cosine(own, s.texts().get(i), cosines);
                    assertThat(s.dense().get(i)).as("dense score of a hit in %s: %s", s.generation(), s.texts().get(i))
                            .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-3));
                    hits++;
                    if (Math.abs(cosine(other, s.texts().get(i), cosines) - expected) > 0.01) {
                        distinguishing++;
                    }
                }
            }
        }
        assertThat(byGeneration).as("searches by generation").containsKeys("g1", built);
        assertThat(distinguishing).as("hits whose score tells the models apart").isGreaterThan(hits / 2);
        System.out.printf(java.util.Locale.ROOT, "reindex: %d searches across switch and rollback %s, %d hits each at its"
                + " generation's model's cosine (%d of them more than 0.01 from the other model's), none mixed; checked in"
                + " %.1f s%n", seen.size(), byGeneration, hits, distinguishing, (System.nanoTime() - t0) / 1e9);
    }

    /** The model's cosine of the search query and a chunk text (both vectors normalised), cached per model and text. */
    private static double cosine(OnnxEmbedder model, String text, Map<OnnxEmbedder, Map<String, Double>> cache) {
        return cache.computeIfAbsent(model, m -> new HashMap<>()).computeIfAbsent(text, t -> {
            float[] q = model.embedQuery(SEARCH_QUERY);
            float[] c = model.embed(List.of(t))[0];
            double dot = 0;
            for (int j = 0; j < q.length; j++) {
                dot += q[j] * c[j];
            }
            return dot;
        });
    }

    /** A search with the write's token (requireConsistent) finds the document at version 2 and says consistent. */
    private void assertFoundWithToken(String docId, String token, String generation) {
        PipelineStack.Answer a = stack.search(tenant, Map.of("query", docId + " version 2 warehouse deliveries", "topK", 10,
                "consistentWith", List.of(token), "requireConsistent", true));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("consistent").asBoolean()).as(a.body()).isTrue();
        if (generation != null) {
            assertThat(a.json().get("generation").asText()).as(a.body()).isEqualTo(generation);
        }
        boolean found = false;
        for (JsonNode hit : a.json().path("hits")) {
            found |= docId.equals(hit.path("docId").asText()) && hit.path("version").asLong() == 2;
        }
        assertThat(found).as("%s at version 2 in %s", docId, a.body()).isTrue();
    }

    /** Until the query-service serves the generation (it follows the pointer and loads the model first). */
    private void awaitServed(String generation) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String served = null;
        while (System.nanoTime() < deadline) {
            PipelineStack.Answer a = stack.send("GET", stack.queryUrl() + "/v1/tenants/" + tenant + "/index", null,
                    stack.key(tenant, dev.freshrag.security.Role.READER));
            if (a.status() == 200) {
                served = a.json().path("generation").asText();
                if (generation.equals(served)) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the query-service still serves " + served + ", not " + generation + ", after 60 s");
    }

    /** Until the search loop has answers from the generation, so the loop ran across the switch, not only around it. */
    private static void awaitSeenByLoop(List<Seen> seen, String generation) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (seen.stream().noneMatch(s -> generation.equals(s.generation())) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(seen.stream().anyMatch(s -> generation.equals(s.generation()))).as("the loop searched " + generation).isTrue();
    }
}
