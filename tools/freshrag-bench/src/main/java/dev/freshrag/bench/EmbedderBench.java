package dev.freshrag.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.ModelVariant;
import dev.freshrag.tokenizer.EmbeddingModel;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.tokenizer.ModelTokenizer;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.OnnxEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.output.Response;

/**
 * FreshRAG's embedder (OnnxEmbedder) against langchain4j's in-process OnnxEmbeddingModel: the same model file,
 * the same chunks, the same max length, fp32 and int8. The two sides run alternately (FreshRAG, peer, FreshRAG,
 * ...) so that a change in background load hits both alike; medians over the measured runs.
 *
 * <p>{@code --target cuda} measures the embedder on a GPU instead ({@link CudaEmbedderBench}); {@code --target cpu}
 * (the default) is the comparison above, unchanged. {@code --models a,b} compares the cost of the models instead
 * ({@link ModelCostBench}).
 */
public final class EmbedderBench {

    interface Side extends AutoCloseable {
        String name();

        float[][] embed(List<String> texts);

        @Override
        void close();
    }

    record Run(double wall, double cpu) {
    }

    public static void main(String[] argv) throws Exception {
        int rc = run(argv, System.err);
        if (rc != 0) {
            System.exit(rc);
        }
    }

    /** 0 when the benchmark ran; 2 for a target this machine cannot run (the reason on {@code err}). */
    static int run(String[] argv, java.io.PrintStream err) throws Exception {
        String target = new Args(argv).get("target", "cpu").toLowerCase(Locale.ROOT);
        switch (target) {
            case "cpu" -> {
                if (new Args(argv).has("models")) {
                    ModelCostBench.run(argv);
                } else {
                    cpu(argv);
                }
                return 0;
            }
            case "cuda" -> {
                // before anything is loaded: fail fast, naming what is missing
                java.util.Optional<String> why = CudaPreflight.check();
                if (why.isPresent()) {
                    err.println("freshrag bench embedder: " + why.get());
                    return 2;
                }
                return CudaEmbedderBench.run(argv, err);
            }
            default -> {
                err.println("freshrag bench embedder: unknown --target " + target + " (cpu or cuda)");
                return 2;
            }
        }
    }

    private static void cpu(String[] argv) throws Exception {
        Args args = new Args(argv);
        EmbedderRunOptions sizes = EmbedderRunOptions.of(args);
        String[] variants = args.get("variants", "fp32,int8").split(",");
        boolean withPeer = !args.has("no-peer");

        Machine.printHeader("embedder: FreshRAG OnnxEmbedder vs langchain4j OnnxEmbeddingModel",
                "./freshrag bench embedder " + String.join(" ", argv));

        List<PepStream.Event> events = PepStream.load();
        List<String> chunks;
        int[] lengths;
        try (ModelTokenizer tokenizer = ModelTokenizer.load(ModelVariant.FP32.tokenizerResource(EmbeddingModel.ALL_MINILM_L6_V2), sizes.maxLength())) {
            chunks = PepStream.mixedChunks(events, tokenizer, sizes.chunks(), 16, 300, 42);
            lengths = new int[chunks.size()];
            for (int i = 0; i < chunks.size(); i++) {
                lengths[i] = tokenizer.countTokens(chunks.get(i));
            }
        }
        long tokens = 0;
        int truncated = 0;
        for (int len : lengths) {
            tokens += Math.min(len, sizes.maxLength());
            truncated += len > sizes.maxLength() ? 1 : 0;
        }
        Stats lengthStats = Stats.of(java.util.Arrays.stream(lengths).mapToDouble(l -> Math.min(l, sizes.maxLength())).toArray());
        System.out.printf(Locale.ROOT, "- chunks: %d cut from the PEP stream (paragraphs merged to random targets of 16-300 tokens),"
                        + " model tokens after truncation at %d: mean %.0f, p50 %.0f, min %.0f, max %.0f; %d chunks truncated;"
                        + " %d tokens per pass; calls of %d chunks%n",
                chunks.size(), sizes.maxLength(), lengthStats.mean(), lengthStats.median(), lengthStats.min(), lengthStats.max(),
                truncated, tokens, sizes.callSize());
        System.out.printf(Locale.ROOT, "- %d warm-up pass(es) and %d measured passes per side, alternating sides; medians%n",
                sizes.warmup(), sizes.runs());

        Table table = new Table("embedder throughput (max length " + sizes.maxLength() + ", CPU)",
                "variant", "embedder", "tokens/s", "chunks/s", "CPU s/chunk", "CPU use (cores)", "runs (chunks/s min-max)",
                "ratio (tokens/s)");
        for (String v : variants) {
            ModelVariant variant = ModelVariant.valueOf(v.trim().toUpperCase(Locale.ROOT));
            EmbedderOptions options = EmbedderOptions.defaults().withVariant(variant).withMaxLength(sizes.maxLength())
                    .withTarget(ExecutionTarget.CPU);
            try (Side fresh = freshrag(options); Side peer = withPeer ? langchain4j(variant, sizes.maxLength()) : null) {
                List<String> probe = chunks.subList(0, Math.min(64, chunks.size()));
                double agreement = peer == null ? Double.NaN : agreement(fresh.embed(probe), peer.embed(probe));
                for (int w = 0; w < sizes.warmup(); w++) {
                    pass(fresh, chunks, sizes.callSize());
                    if (peer != null) {
                        pass(peer, chunks, sizes.callSize());
                    }
                }
                List<Run> freshRuns = new ArrayList<>();
                List<Run> peerRuns = new ArrayList<>();
                for (int r = 0; r < sizes.runs(); r++) {
                    freshRuns.add(pass(fresh, chunks, sizes.callSize()));
                    if (peer != null) {
                        peerRuns.add(pass(peer, chunks, sizes.callSize()));
                    }
                    System.err.printf(Locale.ROOT, "  %s run %d: FreshRAG %.1f chunks/s%s%n", v, r + 1,
                            chunks.size() / freshRuns.get(r).wall(), peer == null ? ""
                                    : String.format(Locale.ROOT, ", langchain4j %.1f chunks/s", chunks.size() / peerRuns.get(r).wall()));
                }
                double freshTps = median(freshRuns, tokens, true);
                if (peer == null) {
                    addRow(table, v, fresh.name(), freshRuns, chunks.size(), tokens, "n/a");
                    continue;
                }
                double peerTps = median(peerRuns, tokens, true);
                addRow(table, v, fresh.name(), freshRuns, chunks.size(), tokens, Table.f(freshTps / peerTps, 2) + "x");
                addRow(table, v, peer.name(), peerRuns, chunks.size(), tokens, "1.00x");
                table.note(String.format(Locale.ROOT, "%s: mean cosine between the two sides' vectors on 64 chunks %.6f"
                        + " (1.0 = the same vectors: same model, same truncation)", v, agreement));
            }
        }
        table.note("FreshRAG: OnnxEmbedder with EmbedderOptions.defaults(), target CPU: texts sorted by length, micro-batches"
                + " of at most " + Integer.getInteger(OnnxEmbedder.BATCH_TOKENS_PROPERTY, 256) + " padded tokens (and "
                + EmbedderOptions.DEFAULT_MAX_BATCH_SIZE + " texts), run by " + freshragWorkers()
                + " threads (the caller and helpers) sharing one session with 1 intra-op thread each");
        table.note("langchain4j: new OnnxEmbeddingModel(model, tokenizer, PoolingMode.MEAN) with its default executor"
                + " (one task per text, availableProcessors threads) and default ONNX Runtime session options;"
                + " its tokenizer.json is the model jar's with truncation.max_length set to " + sizes.maxLength()
                + " (the jar's says 128) so both sides see the same tokens");
        table.note("ratio = FreshRAG tokens/s / langchain4j tokens/s of the same variant; CPU s/chunk = process CPU time"
                + " (all threads) / chunks; CPU use = CPU time / wall time");
        table.print(System.out);
    }

    private static void addRow(Table table, String variant, String name, List<Run> runs, int chunks, long tokens, String ratio) {
        Stats cps = Stats.of(runs.stream().map(r -> chunks / r.wall()).toList());
        Stats cpuPerChunk = Stats.of(runs.stream().map(r -> r.cpu() / chunks).toList());
        Stats cores = Stats.of(runs.stream().map(r -> r.cpu() / r.wall()).toList());
        table.row(variant, name, Table.f(median(runs, tokens, true), 0), Table.f(cps.median(), 1),
                Table.f(cpuPerChunk.median(), 4), Table.f(cores.median(), 2),
                Table.f(cps.min(), 1) + "-" + Table.f(cps.max(), 1), ratio);
    }

    private static double median(List<Run> runs, long tokens, boolean perSecond) {
        return Stats.of(runs.stream().map(r -> tokens / r.wall()).toList()).median();
    }

    /** The worker rule of OnnxEmbedder: availableProcessors / intraOpThreads, or the system property. */
    static int freshragWorkers() {
        return Integer.getInteger(OnnxEmbedder.WORKERS_PROPERTY,
                Math.max(1, Runtime.getRuntime().availableProcessors() / EmbedderOptions.DEFAULT_INTRA_OP_THREADS));
    }

    static Run pass(Side side, List<String> chunks, int callSize) {
        CpuClock clock = new CpuClock();
        for (int from = 0; from < chunks.size(); from += callSize) {
            side.embed(chunks.subList(from, Math.min(chunks.size(), from + callSize)));
        }
        return new Run(clock.wallSeconds(), clock.cpuSeconds());
    }

    static double agreement(float[][] a, float[][] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Recall.dot(a[i], b[i]);
        }
        return sum / a.length;
    }

    static Side freshrag(EmbedderOptions options) {
        OnnxEmbedder embedder = OnnxEmbedder.load(options);
        return new Side() {
            @Override
            public String name() {
                return "FreshRAG OnnxEmbedder";
            }

            @Override
            public float[][] embed(List<String> texts) {
                return embedder.embed(texts);
            }

            @Override
            public void close() {
                embedder.close();
                // (workers and batch budget are OnnxEmbedder's, see its javadoc)
            }
        };
    }

    static Side langchain4j(ModelVariant variant, int maxLength) throws IOException {
        Path dir = Files.createTempDirectory("freshrag-bench-l4j");
        Path model = dir.resolve("model.onnx");
        try (InputStream in = EmbedderBench.class.getResourceAsStream(variant.modelResource(EmbeddingModel.ALL_MINILM_L6_V2))) {
            Files.copy(in, model, StandardCopyOption.REPLACE_EXISTING);
        }
        ObjectNode tokenizerJson;
        try (InputStream in = EmbedderBench.class.getResourceAsStream(variant.tokenizerResource(EmbeddingModel.ALL_MINILM_L6_V2))) {
            tokenizerJson = (ObjectNode) PepStream.JSON.readTree(in);
        }
        ObjectNode truncation = tokenizerJson.putObject("truncation");
        truncation.put("direction", "Right").put("max_length", maxLength).put("strategy", "LongestFirst").put("stride", 0);
        tokenizerJson.putNull("padding");
        Path tokenizer = dir.resolve("tokenizer.json");
        PepStream.JSON.writeValue(tokenizer.toFile(), tokenizerJson);
        OnnxEmbeddingModel l4j = new OnnxEmbeddingModel(model.toString(), tokenizer.toString(), PoolingMode.MEAN);
        return new Side() {
            @Override
            public String name() {
                return "langchain4j OnnxEmbeddingModel";
            }

            @Override
            public float[][] embed(List<String> texts) {
                Response<List<Embedding>> r = l4j.embedAll(texts.stream().map(TextSegment::from).toList());
                float[][] out = new float[texts.size()][];
                for (int i = 0; i < out.length; i++) {
                    out[i] = r.content().get(i).vector();
                }
                return out;
            }

            @Override
            public void close() {
                try {
                    Files.deleteIfExists(model);
                    Files.deleteIfExists(tokenizer);
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // a temp directory left behind is harmless
                }
            }
        };
    }
}
