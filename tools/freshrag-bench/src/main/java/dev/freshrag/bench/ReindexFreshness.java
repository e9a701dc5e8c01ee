package dev.freshrag.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;

import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.events.WriteToken;
import dev.freshrag.tokenizer.EmbeddingModel;

/**
 * Issue 16's benchmark ({@code ./freshrag bench freshness --scenario reindex}): live-edit freshness and search errors
 * while a model change is built beside the active generation, and for a while after the switch. The PEP stream is
 * loaded first (bulk, three tenants); then {@code reindex start} on the embed-service's operator endpoint, and until
 * the new generation is caught up: one live edit a second in another tenant (PUT to searchable) and a search loop on
 * a PEP tenant. A search fails when it answers anything but 200, names no generation, or has a hit whose dense score
 * is not the cosine of the named generation's model (checked afterwards with both real models in this JVM, so the
 * check costs the stack nothing while it runs). Then a write just before the switch, searched with its token right
 * after it, and the same measures for a window after the switch. The bench stack is put back afterwards (rollback,
 * drop-previous) so the other freshness runs keep measuring the default model.
 */
final class ReindexFreshness {

    private static final List<String> QUERIES = List.of("how are new keywords added to the language",
            "deprecation policy of the standard library", "style guide for naming functions");

    private final Stack stack;
    private final Operator operator;
    /** The model to reindex into: {@code --model}, else the shipped model the active generation does not hold. */
    private final String requestedModel;
    private String model;
    private final int afterSwitchSeconds;

    ReindexFreshness(Stack stack, Args args) {
        this.stack = stack;
        this.operator = new Operator(args.get("embed", "http://127.0.0.1:8082"));
        this.requestedModel = args.get("model", "");
        this.afterSwitchSeconds = args.getInt("after-switch-seconds", 10);
    }

    /** One search answer: its generation, query and each hit's text and dense score (NaN when only lexical found it). */
    private record Seen(String generation, String query, List<String> texts, List<Double> dense) {
    }

    /** What one window (during the reindex, after the switch) collected. */
    private static final class Window {
        final List<Double> liveMs = Collections.synchronizedList(new ArrayList<>());
        final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
        final List<String> failed = Collections.synchronizedList(new ArrayList<>());
        int misses;
    }

    void run(Table table, FreshnessBench.Probe probe, String run, int bulkLines) throws InterruptedException {
        prepare();
        List<PepStream.Event> events = PepStream.load();
        String prefix = "rx-" + run;
        long l0 = System.nanoTime();
        List<LiveUnderLoad.Pending> pending = new ArrayList<>();
        LiveUnderLoad bulk = new LiveUnderLoad(stack, events, bulkLines);
        List<PepStream.Event> batch = new ArrayList<>();
        String tenant = null;
        for (PepStream.Event e : events) {
            String t = prefix + "-" + e.tenant();
            if (!batch.isEmpty() && (!t.equals(tenant) || batch.size() == bulkLines)) {
                pending.add(bulk.postBulk(tenant, batch));
                batch.clear();
            }
            tenant = t;
            batch.add(e);
        }
        if (!batch.isEmpty()) {
            pending.add(bulk.postBulk(tenant, batch));
        }
        for (LiveUnderLoad.Pending p : pending) {
            stack.awaitAll(p.tenant(), p.tokens(), 1_800_000);
        }
        double loadSeconds = (System.nanoTime() - l0) / 1e9;
        String searchTenant = prefix + "-" + events.get(0).tenant();

        AtomicReference<Window> window = new AtomicReference<>(new Window());
        AtomicBoolean running = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                long t0 = System.nanoTime();
                Window w = window.get(); // a sample counts in the window it started in
                try {
                    w.liveMs.add(probe.sample(false));
                } catch (IllegalStateException e) {
                    // not searchable within the probe's 60 s: a miss, counted as 60 s (a lower bound), not dropped
                    synchronized (w) {
                        w.misses++;
                    }
                    w.liveMs.add(60_000.0);
                }
                Pause.millis(Math.max(0, 1000 - (System.nanoTime() - t0) / 1_000_000));
            }
        }, "bench-reindex-live-edits");
        Thread searcher = new Thread(() -> {
            int n = 0;
            while (running.get()) {
                String q = QUERIES.get(n++ % QUERIES.size());
                Window w = window.get();
                try {
                    Http.Reply r = stack.http.post(stack.searchUrl(searchTenant), Map.of("query", q, "topK", 5));
                    if (r.status() != 200 || r.body() == null) {
                        w.failed.add("HTTP " + r.status() + ": " + r.raw());
                        continue;
                    }
                    List<String> texts = new ArrayList<>();
                    List<Double> dense = new ArrayList<>();
                    for (JsonNode h : r.body().path("hits")) {
                        texts.add(h.path("text").asText());
                        dense.add(h.path("scores").path("dense").asDouble(Double.NaN));
                    }
                    w.seen.add(new Seen(r.body().path("generation").asText(""), q, texts, dense));
                } catch (RuntimeException e) {
                    w.failed.add(e.toString());
                }
            }
        }, "bench-reindex-searches");
        sampler.setDaemon(true);
        searcher.setDaemon(true);

        model = requestedModel.isEmpty() ? otherModel(operator.send("GET", "", null).at("/active/model").asText()) : requestedModel;
        long r0 = System.nanoTime();
        JsonNode started = operator.send("POST", "/start", "{\"model\":\"" + model + "\"}");
        String building = started.at("/building/generation").asText();
        String active = started.at("/active/generation").asText();
        String activeModel = started.at("/active/model").asText();
        sampler.start();
        searcher.start();
        JsonNode status = started;
        while (!status.path("caughtUp").asBoolean(false)) {
            if (System.nanoTime() - r0 > 3_600_000_000_000L) {
                throw new IllegalStateException("the reindex did not catch up within an hour: " + status);
            }
            Pause.millis(500);
            status = operator.send("GET", "", null);
        }
        double caughtUpSeconds = (System.nanoTime() - r0) / 1e9;
        long redriven = status.at("/backfill/redriven").asLong();
        long applied = status.at("/backfill/documentsApplied").asLong();

        // read-your-writes across the switch: a write just before it, searched with its token just after
        String marker = "Read your writes across the switch " + run;
        WriteToken token = stack.put(probeTenant(probe), "ryw", Map.of("version", 1, "title", marker,
                "contentType", "text/plain", "content", marker + ". " + QUERIES.get(0)));
        Window during = window.getAndSet(new Window());
        long s0 = System.nanoTime();
        operator.send("POST", "/switch", null);
        Http.Reply ryw = stack.http.post(stack.searchUrl(probeTenant(probe)), Map.of("query", marker, "topK", 3,
                "consistentWith", List.of(token.toString()), "requireConsistent", true));
        double rywMs = (System.nanoTime() - s0) / 1e6;
        String rywResult = readYourWrites(ryw, rywMs);
        Pause.millis(afterSwitchSeconds * 1000L);
        running.set(false);
        Window after = window.get();
        sampler.join(70_000);
        searcher.join(70_000);

        // put the bench stack back as it was (other freshness runs measure the default model)
        operator.send("POST", "/rollback", null);
        operator.send("POST", "/drop-previous", null);

        Map<String, String> models = Map.of(active, activeModel, building, model);
        String[] duringChecks = mixed(during, models);
        String[] afterChecks = mixed(after, models);
        row(table, "during the reindex (" + active + " active, " + building + " building)", during, duringChecks);
        row(table, "first " + afterSwitchSeconds + " s after the switch (" + building + " active)", after, afterChecks);
        table.note(String.format(Locale.ROOT, "reindex %s (%s) -> %s (%s): caught up %.1f s after `reindex start`; the backfill"
                        + " re-drove %d documents (%d applied); before it the %d PEP revisions were loaded through documents:bulk"
                        + " into three tenants in %.1f s (all indexed)", active, activeModel, building, model, caughtUpSeconds,
                redriven, applied, events.size(), loadSeconds));
        table.note("read-your-writes across the switch: " + rywResult);
        table.note("live edit = PUT start until a plain search first returns the new version (one a second, tenant "
                + probeTenant(probe) + "); searches = a loop of hybrid searches (topK 5) on " + searchTenant
                + ", failed = not HTTP 200 or no generation named; mixed = a hit whose dense score is not, within 1e-3, the"
                + " cosine of the answer's generation's model (checked afterwards with both models in the bench JVM)");
        table.note("afterwards the bench stack was put back: rollback to " + active + ", drop-previous");
    }

    private static String probeTenant(FreshnessBench.Probe probe) {
        return probe.tenant();
    }

    /** The in-process model other than the one {@code activeModelId} names (a new stack holds the default, bge-small). */
    static String otherModel(String activeModelId) {
        dev.freshrag.tokenizer.EmbeddingModel active = dev.freshrag.embedding.ShippedModel.ofModelId(activeModelId)
                .map(dev.freshrag.embedding.ShippedModel::model).orElse(dev.freshrag.tokenizer.EmbeddingModel.ALL_MINILM_L6_V2);
        return java.util.Arrays.stream(dev.freshrag.tokenizer.EmbeddingModel.values()).filter(m -> m != active)
                .findFirst().orElseThrow().configName();
    }

    /** Refuses to run over someone's reindex; a leftover of an interrupted run of this benchmark is cleaned up. */
    private void prepare() {
        JsonNode s = operator.send("GET", "", null);
        if (s.path("building").isObject()) {
            System.out.println("- a generation was building (an interrupted run?): aborted it first");
            operator.send("POST", "/abort", null);
        }
        s = operator.send("GET", "", null);
        if (s.path("previous").isObject()) {
            System.out.println("- a previous generation was kept: dropped it first (a reindex cannot start while one is kept)");
            operator.send("POST", "/drop-previous", null);
        }
    }

    private static String readYourWrites(Http.Reply r, double ms) {
        if (r.status() != 200 || r.body() == null) {
            return "MISS: HTTP " + r.status() + " " + r.raw();
        }
        boolean found = false;
        for (JsonNode h : r.body().path("hits")) {
            found |= "ryw".equals(h.path("docId").asText());
        }
        return String.format(Locale.ROOT, "%s (consistent: %s, generation %s, %.0f ms from the switch request to the answer)",
                found ? "found" : "MISS (not in the hits)", r.body().path("consistent").asText(),
                r.body().path("generation").asText(), ms);
    }

    private void row(Table table, String phase, Window w, String[] checks) {
        Stats s = Stats.of(w.liveMs);
        table.row(phase, s.count(), w.misses, Table.f(s.percentile(50), 0), Table.f(s.percentile(95), 0),
                Table.f(s.max(), 0), w.seen.size() + w.failed.size(), w.failed.size(), checks[0], checks[1]);
        for (String f : w.failed.subList(0, Math.min(3, w.failed.size()))) {
            table.note("failed search: " + (f.length() > 300 ? f.substring(0, 300) + "..." : f));
        }
    }

    /** {mixed answers, answers by generation}: each hit's dense score against both models' cosines. */
    private static String[] mixed(Window w, Map<String, String> models) {
        Map<String, Integer> byGeneration = new TreeMap<>();
        int mixed = 0;
        Map<String, OnnxEmbedder> embedders = new HashMap<>();
        Map<String, Double> cosines = new HashMap<>();
        try {
            for (Seen s : w.seen) {
                byGeneration.merge(s.generation().isEmpty() ? "none" : s.generation(), 1, Integer::sum);
                String modelId = models.get(s.generation());
                if (modelId == null) {
                    mixed++; // no generation named, or one that was neither active nor building
                    continue;
                }
                OnnxEmbedder m = embedders.computeIfAbsent(modelId, id -> OnnxEmbedder.load(
                        EmbedderOptions.defaults().withModel(EmbeddingModel.fromConfigName(id))));
                for (int i = 0; i < s.texts().size(); i++) {
                    double score = s.dense().get(i);
                    if (Double.isNaN(score)) {
                        continue; // found by the lexical branch only: no vector involved
                    }
                    String text = s.texts().get(i);
                    double expected = cosines.computeIfAbsent(modelId + "\u0000" + s.query() + "\u0000" + text,
                            k -> dot(m.embedQuery(s.query()), m.embed(List.of(text))[0]));
                    if (Math.abs(score - expected) > 1e-3) {
                        mixed++;
                        break;
                    }
                }
            }
        } finally {
            embedders.values().forEach(OnnxEmbedder::close);
        }
        return new String[] {Integer.toString(mixed), byGeneration.toString()};
    }

    private static double dot(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d += a[i] * b[i];
        }
        return d;
    }

    /** The embed-service's reindex endpoints with the operator key (FRESHRAG_KEY, else the stack's operator-key file). */
    private static final class Operator {
        private final String base;
        private final String key;
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        Operator(String embedUrl) {
            this.base = embedUrl.replaceAll("/+$", "") + "/v1/operator/reindex";
            String k = System.getenv("FRESHRAG_KEY");
            if (k == null || k.isBlank()) {
                String home = System.getenv("FRESHRAG_HOME");
                Path file = Path.of(home == null ? System.getProperty("user.home") + "/.freshrag" : home, "operator-key");
                try {
                    k = Files.readString(file, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new IllegalStateException("no operator key: set FRESHRAG_KEY, or run against a stack whose home"
                            + " holds operator-key (" + file + ")", e);
                }
            }
            this.key = k.strip();
        }

        JsonNode send(String method, String verb, String json) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + verb)).timeout(Duration.ofSeconds(120))
                    .header("Authorization", "Bearer " + key);
            if (json != null || "POST".equals(method)) {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(json == null ? "{}" : json));
            } else {
                b.GET();
            }
            try {
                HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(method + " " + base + verb + " answered " + r.statusCode() + ": " + r.body());
                }
                return PepStream.JSON.readTree(r.body());
            } catch (IOException e) {
                throw new IllegalStateException(method + " " + base + verb + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
