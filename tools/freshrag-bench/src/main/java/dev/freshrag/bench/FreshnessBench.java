package dev.freshrag.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.events.WriteToken;

/**
 * Single-document freshness through the running stack: from the start of a PUT to the moment a plain search (no
 * token) first returns the new version, polling every few milliseconds; and, separately, from the start of the
 * PUT to the answer of a search that waits on the PUT's read-your-writes token (consistent=true). Idle, and while
 * a background writer keeps the embed-service's embedder about half busy.
 */
public final class FreshnessBench {

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Stack stack = new Stack(args);
        int samples = args.getInt("samples", 40);
        int pollMs = args.getInt("poll-ms", 10);
        double loadFraction = args.getDouble("load", 0.5);
        String run = Long.toString(System.currentTimeMillis() % 100_000_000L, 36);

        if ("reindex".equals(args.get("scenario", ""))) {
            // issue 16: live edits and searches while a model change is built beside the active generation
            Machine.printHeader("freshness during a reindex", "./freshrag bench freshness " + String.join(" ", argv));
            Table table = new Table("freshness during a reindex: live edit PUT start to searchable (ms), searches",
                    "window", "live edits", "misses", "p50", "p95", "max", "searches", "failed", "mixed", "answers by generation");
            new ReindexFreshness(stack, args).run(table, new Probe(stack, "rxlive-" + run, probeParagraphs(), pollMs), run,
                    args.getInt("bulk-lines", 100));
            table.note("auth: " + stack.http.authMode());
            table.print(System.out);
            System.exit(0);
        }
        Machine.printHeader("freshness: PUT to searchable", "./freshrag bench freshness " + String.join(" ", argv));
        List<String> paragraphs = probeParagraphs();
        System.out.printf(Locale.ROOT, "- %d plain-search samples and %d token samples per phase, alternating; plain search"
                        + " polled every %d ms; each probe is one document of one chunk (a PEP paragraph of 500-1100"
                        + " characters with a unique first line), a new version of the same document each time%n",
                samples, samples, pollMs);

        // what "half busy" means: how fast the stack itself drains load-like chunks (a burst of 30 four-chunk
        // documents, PUT at once, until all are reflected), measured here first; the raw embedder's rate for scale
        double rawCapacity = capacity(paragraphs);
        double capacity = stackCapacity(stack, "cal-" + run, paragraphs);
        Table table = new Table("freshness: PUT start to searchable (ms)", "phase", "measure", "samples", "p50", "p95", "p99",
                "max", "background load");
        Probe probe = new Probe(stack, "fresh-" + run, paragraphs, pollMs);
        measure(table, "idle", probe, samples, "none");

        double targetRate = loadFraction * capacity;
        Loader loader = new Loader(stack, "load-" + run, paragraphs, targetRate);
        double before = stack.metric("freshrag_chunks_embedded_total");
        double cpuBefore = PipelineBench.cpuSeconds(stack);
        long t0 = System.nanoTime();
        loader.start();
        try {
            Pause.millis(3000); // let the load settle
            measure(table, "loaded", probe, samples, "");
        } finally {
            loader.stop();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        double achieved = (stack.metric("freshrag_chunks_embedded_total") - before) / seconds;
        double cpu = PipelineBench.cpuSeconds(stack) - cpuBefore;
        String load = String.format(Locale.ROOT, "%.1f chunks/s = %.0f%% of the stack's %.1f", achieved,
                100 * achieved / capacity, capacity);
        table.fill("", load);
        table.note(String.format(Locale.ROOT, "background load: a writer PUTting 4-chunk documents (unique text, so no cache"
                        + " hits) at %.1f chunks/s, %.0f%% of the %.1f chunks/s at which the stack drained a burst of 120"
                        + " such chunks just before (the raw embedder in the bench JVM: %.1f chunks/s); the embed-service"
                        + " embedded %.1f chunks/s during the phase (probes included)%s", targetRate, 100 * loadFraction,
                capacity, rawCapacity, achieved,
                Double.isNaN(cpu) ? "" : String.format(Locale.ROOT, "; embed-service process CPU %.2f cores on average", cpu / seconds)));
        if (!args.has("skip-under-load")) {
            // issue 13: live edits while the whole PEP stream loads as bulk, then while another tenant floods Kafka
            // --events N: the first N revisions of the stream only, a shorter run for iterating (the full run is 600)
            List<PepStream.Event> stream = PepStream.load();
            stream = stream.subList(0, Math.min(stream.size(), args.getInt("events", stream.size())));
            LiveUnderLoad underLoad = new LiveUnderLoad(stack, stream, args.getInt("bulk-lines", 100));
            underLoad.bulkLoad(table, new Probe(stack, "live-" + run, paragraphs, pollMs), "bulk-" + run);
            underLoad.unmarkedFlood(table, new Probe(stack, "edit-" + run, paragraphs, pollMs), "flood-" + run);
            table.note("under load: a live edit (one-chunk document, new version) every second in its own tenant while"
                    + " the " + stream.size() + " PEP revisions are (a) POSTed to documents:bulk in batches of up to --bulk-lines lines as"
                    + " fast as the gateway answers, or (b) produced to kb.doc-changes by another tenant as unmarked"
                    + " events; each phase lasts until its load is fully indexed. Skip with --skip-under-load; --events N"
                    + " loads the first N revisions only");
        }
        table.note("plain = PUT start until a search without token first returns the new version (polling, so it"
                + " overstates by up to one poll interval plus one search); token = PUT start until the answer of a search"
                + " with consistentWith=[the PUT's token] (the query-service waits for the index to apply it)");
        table.note("the chain: HTTP PUT -> kb.doc-changes -> Kafka Streams (exactly-once, commit.interval.ms=100) ->"
                + " kb.chunk-ops -> embed-service (a long-poll fetch, embed, Lucene commit) -> query-service reader"
                + " refresh (every search looks for a new commit)");
        table.note("auth: " + stack.http.authMode());
        table.print(System.out);
        System.exit(0);
    }

    /** PEP paragraphs of 500-1100 characters: one chunk each, the probes' text. */
    static List<String> probeParagraphs() {
        List<String> paragraphs = new ArrayList<>();
        for (String content : PepStream.latestContents(PepStream.load()).values()) {
            for (String p : PepStream.paragraphs(content)) {
                if (p.length() >= 500 && p.length() <= 1100) {
                    paragraphs.add(p);
                }
            }
        }
        return paragraphs;
    }

    static void measure(Table table, String phase, Probe probe, int samples, String load) {
        List<Double> plain = new ArrayList<>();
        List<Double> token = new ArrayList<>();
        Random jitter = new Random(17);
        probe.sample(false); // warm-up: first search of a tenant, first document
        probe.sample(true);
        for (int i = 0; i < samples; i++) {
            plain.add(probe.sample(false));
            Pause.millis(100 + jitter.nextInt(200));
            token.add(probe.sample(true));
            Pause.millis(100 + jitter.nextInt(200));
        }
        row(table, phase, "plain search", plain, load);
        row(table, phase, "token (consistentWith)", token, load);
    }

    static void row(Table table, String phase, String measure, List<Double> ms, String load) {
        Stats s = Stats.of(ms);
        table.row(phase, measure, s.count(), Table.f(s.percentile(50), 0), Table.f(s.percentile(95), 0),
                Table.f(s.percentile(99), 0), Table.f(s.max(), 0), load);
    }

    /** Chunks/s at which the stack embeds and indexes a burst of 30 four-chunk documents PUT at once. */
    static double stackCapacity(Stack stack, String tenant, List<String> paragraphs) {
        Loader burst = new Loader(stack, tenant, paragraphs, 1);
        double before = stack.metric("freshrag_chunks_embedded_total");
        long t0 = System.nanoTime();
        List<WriteToken> tokens = new ArrayList<>();
        for (int n = 0; n < 30; n++) {
            tokens.add(burst.putDocument(n));
        }
        stack.awaitReflected(tokens, 600_000);
        double seconds = (System.nanoTime() - t0) / 1e9;
        return (stack.metric("freshrag_chunks_embedded_total") - before) / seconds;
    }

    static double capacity(List<String> paragraphs) {
        List<String> sample = new ArrayList<>();
        for (int i = 0; i < 96; i++) {
            sample.add("Capacity probe " + i + ". " + paragraphs.get(i % paragraphs.size()));
        }
        try (OnnxEmbedder embedder = OnnxEmbedder.load(EmbedderOptions.defaults().withTarget(ExecutionTarget.CPU))) {
            embedder.embed(sample.subList(0, 32));
            List<Double> rates = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                long t0 = System.nanoTime();
                for (int from = 0; from < sample.size(); from += 32) {
                    embedder.embed(sample.subList(from, from + 32));
                }
                rates.add(sample.size() / ((System.nanoTime() - t0) / 1e9));
            }
            return Stats.of(rates).median();
        }
    }

    /** One document of one chunk, re-PUT with a new version and a new first line for every sample. */
    static final class Probe {
        private final Stack stack;
        private final String tenant;
        private final List<String> paragraphs;
        private final int pollMs;
        private long version;

        Probe(Stack stack, String tenant, List<String> paragraphs, int pollMs) {
            this.stack = stack;
            this.tenant = tenant;
            this.paragraphs = paragraphs;
            this.pollMs = pollMs;
        }

        String tenant() {
            return tenant;
        }

        /** Milliseconds from PUT start to searchable. */
        double sample(boolean withToken) {
            version++;
            String marker = "Freshness probe " + tenant + " revision " + version;
            String content = marker + ".\n\n" + paragraphs.get((int) (version % paragraphs.size()));
            if (content.length() > 1150) {
                content = content.substring(0, 1150);
            }
            Map<String, Object> body = Map.of("version", version, "title", marker, "contentType", "text/plain",
                    "content", content, "metadata", Map.of("bench", "freshness"));
            long t0 = System.nanoTime();
            WriteToken token = stack.put(tenant, "probe", body);
            if (withToken) {
                while (true) {
                    JsonNode r = stack.search(tenant, marker, 3, List.of(token));
                    if (r.path("consistent").asBoolean(false)) {
                        double ms = (System.nanoTime() - t0) / 1e6;
                        if (!hasVersion(r)) {
                            throw new IllegalStateException("consistent=true but version " + version + " not in " + r);
                        }
                        return ms;
                    }
                }
            }
            long deadline = t0 + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (hasVersion(stack.search(tenant, marker, 3, List.of()))) {
                    return (System.nanoTime() - t0) / 1e6;
                }
                Pause.millis(pollMs);
            }
            throw new IllegalStateException("version " + version + " of " + tenant + "/probe not searchable after 60 s");
        }

        private boolean hasVersion(JsonNode reply) {
            for (JsonNode h : reply.path("hits")) {
                if ("probe".equals(h.path("docId").asText()) && h.path("version").asLong() == version) {
                    return true;
                }
            }
            return false;
        }
    }

    /** PUTs 4-chunk documents of fresh text at a fixed chunk rate, open loop, on its own thread. */
    static final class Loader {
        private final Stack stack;
        private final String tenant;
        private final List<String> paragraphs;
        private final double chunksPerSecond;
        private final AtomicBoolean running = new AtomicBoolean();
        private final AtomicLong sent = new AtomicLong();
        private Thread thread;

        Loader(Stack stack, String tenant, List<String> paragraphs, double chunksPerSecond) {
            this.stack = stack;
            this.tenant = tenant;
            this.paragraphs = paragraphs;
            this.chunksPerSecond = chunksPerSecond;
        }

        /** Document {@code n}: 4 sections of fresh text, one chunk each; version n + 1 of doc-(n % 50). */
        WriteToken putDocument(int n) {
            StringBuilder content = new StringBuilder();
            for (int s = 0; s < 4; s++) {
                content.append("# Section ").append(s).append(" of load document ").append(n).append("\n\n")
                        .append("Load ").append(tenant).append(' ').append(n).append('.').append(s).append(". ")
                        .append(paragraphs.get((n * 4 + s) % paragraphs.size())).append("\n\n");
            }
            return stack.put(tenant, "doc-" + (n % 50), Map.of("version", n + 1, "title", "load " + n,
                    "contentType", "text/markdown", "content", content.toString(), "metadata", Map.of("bench", "load")));
        }

        void start() {
            running.set(true);
            thread = new Thread(this::loop, "bench-load");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }

        private void loop() {
            long intervalNs = (long) (4e9 / chunksPerSecond);
            long next = System.nanoTime();
            int n = 0;
            while (running.get()) {
                try {
                    putDocument(n);
                    sent.incrementAndGet();
                } catch (RuntimeException e) {
                    System.err.println("load PUT failed: " + e.getMessage());
                }
                n++;
                next += intervalNs;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Pause.millis(wait / 1_000_000);
                } else {
                    next = System.nanoTime();
                }
            }
        }
    }
}
