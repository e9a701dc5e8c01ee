package dev.freshrag.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ShippedModel;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.ModelRunTotals;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Topics;
import dev.freshrag.events.WriteToken;

/**
 * The PEP change stream through the running local stack (ingest HTTP -> kb.doc-changes -> Kafka Streams chunk
 * diff -> kb.chunk-ops -> embed-service -> Lucene -> query-service). Two tables:
 * <ul>
 *   <li>pipeline: chunks the embed-service's model embedded (freshrag_chunks_embedded_total) over the wall time
 *       from the first PUT until every write is reflected (read-your-writes tokens), against the raw embedder's
 *       chunks/s on the very texts the pipeline embedded, measured in this JVM on the same machine afterwards;</li>
 *   <li>incremental: EMBED operations on kb.chunk-ops (and model runs) against re-embedding every chunk of every
 *       revision (the sum of chunkCount over the APPLY records).</li>
 * </ul>
 * Needs a fresh stack (a new FRESHRAG_HOME): a replay onto a stack that already holds the stream is all stale
 * writes. ./freshrag bench pipeline arranges that.
 */
public final class PipelineBench {

    public static void main(String[] argv) throws Exception {
        Args args = new Args(argv);
        Stack stack = new Stack(args);
        String mode = args.get("mode", "both");
        int lanes = args.getInt("lanes", 4);
        boolean pipeline = !mode.equals("incremental");

        Machine.printHeader("pipeline" + (mode.equals("both") ? " and incremental" : mode.equals("incremental") ? " (incremental)" : ""),
                "./freshrag bench " + (mode.equals("both") ? "pipeline" : mode) + " " + String.join(" ", argv));
        List<PepStream.Event> events = PepStream.load();
        Set<String> tenants = new HashSet<>();
        events.forEach(e -> tenants.add(e.tenant()));
        System.out.printf(Locale.ROOT, "- stream: %d events (%d documents, %d tenants), sent as PUTs in stream order,"
                        + " %d lanes by document (each document's revisions in order)%n",
                events.size(), PepStream.latestContents(events).size(), tenants.size(), lanes);

        int warmUp = args.getInt("warm-up", 150);
        if (warmUp > 0) {
            // the raw embedder is measured after a warm-up pass; the stack gets one too: a freshly started broker and
            // services spend their first minutes compiling their own hot code (the JIT), which a running pipeline has
            // done long ago. Other tenants and altered texts, so that nothing of it is reused by the measured replay.
            List<PepStream.Event> warm = warmUpEvents(events, warmUp);
            long w0 = System.nanoTime();
            stack.awaitReflected(replay(stack, warm, lanes), Duration.ofMinutes(30).toMillis());
            double warmSeconds = (System.nanoTime() - w0) / 1e9;
            System.err.printf(Locale.ROOT, "warm-up: %d events reflected after %.1f s%n", warm.size(), warmSeconds);
            System.out.printf(Locale.ROOT, "- warm-up before the measured replay: the first %d events under other tenant"
                    + " names (warm-*) with every line of their texts altered (no vector or chunk is reused), reflected"
                    + " after %.1f s; `--warm-up 0` measures a cold stack%n", warm.size(), warmSeconds);
        } else {
            System.out.println("- no warm-up (`--warm-up 0`): the replay includes the stack's JIT warm-up");
        }

        double embeddedBefore = stack.metric("freshrag_chunks_embedded_total");
        double reusedBefore = stack.metric("freshrag_chunks_reused_total");
        double cpuBefore = cpuSeconds(stack);
        ModelRuns modelBefore = ModelRuns.of(stack);
        Map<String, Double> stackBefore = ProcCpu.stack();
        double compilersBefore = ProcCpu.stackCompilers();
        double[] machineBefore = ProcCpu.machine();
        long t0 = System.nanoTime();
        List<WriteToken> tokens = replay(stack, events, lanes);
        double putSeconds = (System.nanoTime() - t0) / 1e9;
        stack.awaitReflected(tokens, Duration.ofMinutes(30).toMillis());
        double wall = (System.nanoTime() - t0) / 1e9;
        double embedded = stack.metric("freshrag_chunks_embedded_total") - embeddedBefore;
        double reused = stack.metric("freshrag_chunks_reused_total") - reusedBefore;
        double embedCpu = cpuSeconds(stack) - cpuBefore;
        ModelRuns modelRuns = ModelRuns.of(stack).since(modelBefore);
        Map<String, Double> stackAfter = ProcCpu.stack();
        double compilers = ProcCpu.stackCompilers() - compilersBefore;
        double[] machineAfter = ProcCpu.machine();
        double stackCpu = ProcCpu.total(stackAfter) - ProcCpu.total(stackBefore);
        double machineBusy = machineAfter[0] - machineBefore[0];
        double machineTotal = machineAfter[1] - machineBefore[1];
        System.err.printf(Locale.ROOT, "replay: %d PUTs in %.1f s, all reflected after %.1f s, %.0f chunks embedded%n",
                events.size(), putSeconds, wall, embedded);

        ChunkOpsCount ops = chunkOps(stack.kafka, tenants);

        if (pipeline) {
            // the raw side runs the model the embed-service runs (an index keeps its own model, so it is not always the
            // default): comparing two models would measure the models, not the pipeline
            ShippedModel model = stack.embedModel();
            System.err.printf(Locale.ROOT, "raw embedder: %s, the embed-service's model%n", model.variant().modelId(model.model()));
            RawResult raw = raw(ops.embedTexts, args.getInt("raw-runs", 1), args.getInt("raw-texts", 0), model);
            double pipelineRate = embedded / wall;
            Table t = new Table("pipeline: end-to-end chunks/s against the raw embedder",
                    "measure", "chunks", "seconds", "chunks/s", "% of raw");
            t.row("raw OnnxEmbedder, " + (raw.chunks >= ops.embedTexts.size() ? "the same texts" : "a sample of the texts")
                            + ", in one JVM (" + (raw.runs == 1 ? "one pass" : "median of " + raw.runs) + ")", raw.chunks,
                    Table.f(raw.seconds, 1), Table.f(raw.rate, 2), "100%");
            t.row("pipeline: PUT of the first event -> every write reflected", Table.f(embedded, 0), Table.f(wall, 1),
                    Table.f(pipelineRate, 2), Table.f(100 * pipelineRate / raw.rate, 1) + "%");
            if (stackCpu > 0) {
                // CPU-normalised: what the rate would be if the stack had the raw run's cores to itself
                double rawCores = raw.cpuPerChunk * raw.rate;
                double normalised = embedded / stackCpu * rawCores;
                t.row("pipeline, CPU-normalised: chunks per CPU-second of the whole stack x the raw run's cores",
                        Table.f(embedded, 0), "", Table.f(normalised, 2), Table.f(100 * normalised / raw.rate, 1) + "%");
                StringBuilder by = new StringBuilder();
                stackAfter.forEach((name, after) -> by.append(String.format(Locale.ROOT, "%s %.1f s, ", name,
                        after - stackBefore.getOrDefault(name, 0.0))));
                t.note(String.format(Locale.ROOT, "CPU of the stack's processes during the replay: %.1f s (%s%.4f CPU s per"
                                + " embedded chunk; raw embedder %.4f on %.2f cores); of it the JIT compiler threads still"
                                + " compiling the services' code: %.1f s", stackCpu, by, stackCpu / embedded,
                        raw.cpuPerChunk, rawCores, compilers));
            }
            if (machineTotal > 0) {
                t.note(String.format(Locale.ROOT, "the whole machine was %.0f%% busy during the replay (%.2f of %d cores),"
                                + " the stack itself used %.2f cores: the rest was other work on this machine",
                        100 * machineBusy / machineTotal, machineBusy / wall, Runtime.getRuntime().availableProcessors(),
                        stackCpu / wall));
            }
            t.note(String.format(Locale.ROOT, "the %d PUTs themselves took %.1f s; the embed-service reused %.0f vectors"
                    + " (cache hits) besides the %.0f it embedded", events.size(), putSeconds, reused, embedded));
            if (!Double.isNaN(embedCpu)) {
                t.note(String.format(Locale.ROOT, "embed-service process CPU during the replay: %.1f s (%.2f cores on"
                        + " average; %.4f CPU s per embedded chunk, raw embedder %.4f)", embedCpu, embedCpu / wall,
                        embedCpu / embedded, raw.cpuPerChunk));
            }
            if (modelRuns.texts() > 0) {
                // the split the pipeline target needs: does the model itself cost more per chunk in the service (smaller
                // or worse-grouped runs, a CPU shared with the rest of the stack), or is it the work beside the model?
                // per 1000 tokens too: a text's cost grows with its length, so per text alone compares like with like
                // only when both sides embedded the same texts
                t.note(String.format(Locale.ROOT, "inside the model (freshrag_embedding_model_cpu_seconds_total): embed-service"
                                + " %.4f CPU s per text (%.1f tokens per text, %.4f per 1000 tokens), %.1f texts per run,"
                                + " %.1f%% of computed positions padding; raw embedder %.4f CPU s per text (%.1f tokens, %.4f"
                                + " per 1000 tokens), %.1f texts per run, %.1f%% padding. embed-service CPU beside the model:"
                                + " %.4f s per embedded chunk",
                        modelRuns.cpuSeconds() / modelRuns.texts(), modelRuns.tokens() / modelRuns.texts(),
                        1000 * modelRuns.cpuSeconds() / modelRuns.tokens(), (double) modelRuns.texts() / modelRuns.runs(),
                        100 * modelRuns.paddingShare(), raw.model.cpuNanos() / 1e9 / raw.model.texts(),
                        (double) raw.model.tokens() / raw.model.texts(), 1e-6 * raw.model.cpuNanos() / raw.model.tokens(),
                        (double) raw.model.texts() / raw.model.runs(), 100 * raw.model.paddingShare(),
                        (embedCpu - modelRuns.cpuSeconds()) / embedded));
            }
            t.note("pipeline chunks = freshrag_chunks_embedded_total delta (model runs); raw = the distinct EMBED texts of"
                    + " kb.chunk-ops and kb.chunk-ops.bulk for these tenants (all of them unless `--raw-texts N`), embedded in calls of 64 texts by"
                    + " OnnxEmbedder with the embed-service's default options (fp32, max length 256), right after the replay, with the"
                    + " stack idle");
            t.note("auth: " + stack.http.authMode());
            t.note("the stack runs on the same 2 cores as the bench and as other work on this machine: see the load average");
            t.print(System.out);
        }

        if (!mode.equals("pipeline")) {
            Table t = new Table("incremental: chunks embedded on the PEP stream against whole-document re-embedding",
                    "measure", "chunks", "share of whole-document");
            t.row("whole-document re-embedding (sum of chunkCount over " + ops.applyRecords + " APPLY records)",
                    ops.wholeDocument, "100%");
            t.row("EMBED operations on kb.chunk-ops(.bulk) (the chunk diff)", ops.embedOps,
                    Table.f(100.0 * ops.embedOps / ops.wholeDocument, 1) + "%");
            t.row("chunks the model embedded (freshrag_chunks_embedded_total)", Table.f(embedded, 0),
                    Table.f(100.0 * embedded / ops.wholeDocument, 1) + "%");
            t.row("PAYLOAD operations (unchanged text, new position or metadata; no embedding)", ops.payloadOps, "");
            t.row("DELETE operations", ops.deleteOps, "");
            t.note("counted from kb.chunk-ops and kb.chunk-ops.bulk as the ingest-service wrote it (read_committed, these tenants only), after"
                    + " replaying the " + events.size() + " events on a fresh stack; model runs can be fewer than EMBED"
                    + " operations (the embed-service folds a batch and reuses cached vectors by content hash)");
            t.print(System.out);
        }
        System.exit(0);
    }

    /**
     * The first {@code n} events as another tenant's ({@code warm-<tenant>}), every non-blank line of their content
     * prefixed, so that their chunks' hashes differ from the measured replay's: the embed-service's cache, keyed by
     * content, must not hand the replay vectors the warm-up embedded.
     */
    static List<PepStream.Event> warmUpEvents(List<PepStream.Event> events, int n) {
        List<PepStream.Event> warm = new ArrayList<>();
        for (PepStream.Event e : events.subList(0, Math.min(n, events.size()))) {
            com.fasterxml.jackson.databind.node.ObjectNode json = e.json().deepCopy();
            String tenant = "warm-" + e.tenant();
            json.put("tenant", tenant);
            if (json.hasNonNull("content")) {
                json.put("content", json.get("content").asText().replaceAll("(?m)^(?=.*\\S)", "warm-up "));
            }
            warm.add(new PepStream.Event(tenant, e.docId(), e.version(), e.op(), json));
        }
        return warm;
    }

    /** PUTs every event; lanes by document so one document's revisions arrive in order. */
    static List<WriteToken> replay(Stack stack, List<PepStream.Event> events, int lanes) throws Exception {
        List<List<PepStream.Event>> byLane = new ArrayList<>();
        for (int i = 0; i < lanes; i++) {
            byLane.add(new ArrayList<>());
        }
        for (PepStream.Event e : events) {
            byLane.get(Math.floorMod((e.tenant() + "/" + e.docId()).hashCode(), lanes)).add(e);
        }
        ExecutorService pool = Executors.newFixedThreadPool(lanes);
        try {
            List<Future<List<WriteToken>>> futures = new ArrayList<>();
            for (List<PepStream.Event> lane : byLane) {
                futures.add(pool.submit(() -> {
                    List<WriteToken> tokens = new ArrayList<>();
                    for (PepStream.Event e : lane) {
                        tokens.add(stack.put(e.tenant(), e.docId(), Stack.body(e)));
                    }
                    return tokens;
                }));
            }
            List<WriteToken> all = new ArrayList<>();
            for (Future<List<WriteToken>> f : futures) {
                all.addAll(f.get());
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Process CPU seconds of the embed-service from its metrics, NaN when it does not publish them. */
    static double cpuSeconds(Stack stack) {
        try {
            String metrics = stack.http.text(stack.embed + "/q/metrics");
            double ns = Http.metric(metrics, "process_cpu_time_ns_total");
            if (ns > 0) {
                return ns / 1e9;
            }
            double s = Http.metric(metrics, "process_cpu_seconds_total");
            return s > 0 ? s : Double.NaN;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    record ChunkOpsCount(long applyRecords, long embedOps, long payloadOps, long deleteOps, long wholeDocument,
                         List<String> embedTexts) {
    }

    static ChunkOpsCount chunkOps(String bootstrap, Set<String> tenants) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_MESSAGE_BYTES);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 2 * Topics.MAX_MESSAGE_BYTES);
        long apply = 0, embed = 0, payload = 0, delete = 0, whole = 0;
        Map<String, String> texts = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // both lanes: the ingest defers a flooding tenant's unmarked events, whose operations then go to the bulk lane
            List<TopicPartition> partitions = java.util.stream.Stream.of(Topics.CHUNK_OPS, Topics.CHUNK_OPS_BULK)
                    .flatMap(topic -> consumer.partitionsFor(topic).stream())
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                boolean done = true;
                for (TopicPartition tp : partitions) {
                    if (consumer.position(tp) < end.get(tp)) {
                        done = false;
                    }
                }
                if (done) {
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    DocumentOps ops = EventJson.readDocumentOps(r.value());
                    if (!tenants.contains(ops.tenant()) || ops.kind() != DocumentOps.Kind.APPLY) {
                        continue;
                    }
                    apply++;
                    whole += ops.chunkCount();
                    for (ChunkOp op : ops.ops()) {
                        switch (op.type()) {
                            case EMBED -> {
                                embed++;
                                texts.putIfAbsent(op.hash(), op.text());
                            }
                            case PAYLOAD -> payload++;
                            case DELETE -> delete++;
                        }
                    }
                }
            }
        }
        return new ChunkOpsCount(apply, embed, payload, delete, whole, new ArrayList<>(texts.values()));
    }

    /** The raw side's figures; {@code model}: its model runs over the measured passes. */
    record RawResult(int chunks, double seconds, double rate, double cpuPerChunk, int runs, ModelRunTotals model) {
    }

    /** The embed-service's model-run counters (freshrag_embedding_*), summed over its models. */
    record ModelRuns(double cpuSeconds, double texts, double runs, double tokens, double padding) {
        static ModelRuns of(Stack stack) {
            String metrics = stack.http.text(stack.embed + "/q/metrics");
            double tokens = Http.metric(metrics, "freshrag_embedding_tokens_total", "kind=\"text\"");
            double padding = Http.metric(metrics, "freshrag_embedding_tokens_total", "kind=\"padding\"");
            // texts per run come from the runs and the chunks counter: a run's rows are the texts it embedded
            return new ModelRuns(Http.metric(metrics, "freshrag_embedding_model_cpu_seconds_total"),
                    Http.metric(metrics, "freshrag_chunks_embedded_total"), Http.metric(metrics, "freshrag_embedding_runs_total"),
                    tokens, padding);
        }

        ModelRuns since(ModelRuns earlier) {
            return new ModelRuns(cpuSeconds - earlier.cpuSeconds, texts - earlier.texts, runs - earlier.runs,
                    tokens - earlier.tokens, padding - earlier.padding);
        }

        double paddingShare() {
            return tokens + padding == 0 ? 0 : padding / (tokens + padding);
        }
    }

    /**
     * The raw embedder over the texts the pipeline embedded: all of them by default ({@code limit} 0), shuffled so that
     * each call mixes lengths as the stream does. A sample would not be the same texts: its mean length differs from the
     * whole set's by a few percent, and so would the rate (the per-text cost grows with the length).
     */
    static RawResult raw(List<String> texts, int runs, int limit, ShippedModel model) {
        List<String> sample = new ArrayList<>(texts);
        Collections.shuffle(sample, new java.util.Random(3));
        if (limit > 0 && sample.size() > limit) {
            sample = sample.subList(0, limit);
        }
        try (OnnxEmbedder embedder = OnnxEmbedder.load(EmbedderOptions.defaults().withModel(model.model())
                .withVariant(model.variant()).withTarget(ExecutionTarget.CPU))) {
            EmbedderBench.Side side = new EmbedderBench.Side() {
                @Override
                public String name() {
                    return "raw";
                }

                @Override
                public float[][] embed(List<String> t) {
                    return embedder.embed(t);
                }

                @Override
                public void close() {
                }
            };
            EmbedderBench.pass(side, sample.subList(0, Math.min(128, sample.size())), 64);
            List<EmbedderBench.Run> results = new ArrayList<>();
            ModelRunTotals before = embedder.runTotals().orElseThrow();
            for (int r = 0; r < runs; r++) {
                results.add(EmbedderBench.pass(side, sample, 64));
            }
            double seconds = Stats.of(results.stream().map(EmbedderBench.Run::wall).toList()).median();
            double cpu = Stats.of(results.stream().map(EmbedderBench.Run::cpu).toList()).median();
            ModelRunTotals ran = embedder.runTotals().orElseThrow().since(before);
            return new RawResult(sample.size(), seconds, sample.size() / seconds, cpu / sample.size(), runs, ran);
        }
    }
}
