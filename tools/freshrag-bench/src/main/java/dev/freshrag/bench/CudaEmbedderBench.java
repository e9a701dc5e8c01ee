package dev.freshrag.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

import dev.freshrag.embedding.BatchingPolicy;
import dev.freshrag.embedding.CudaOptions;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.ModelVariant;
import dev.freshrag.tokenizer.EmbeddingModel;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.tokenizer.ModelTokenizer;

/**
 * {@code ./freshrag bench embedder --target cuda}: the embedder on the GPU with its CUDA batching policy, then the
 * same chunks in the same calls on the CPU policy, alternating passes; tokens/s, the batch shapes each policy ran,
 * and GPU memory and utilisation sampled with nvidia-smi during the GPU passes. Runs only after
 * {@link CudaPreflight} found a CUDA provider and a GPU.
 */
final class CudaEmbedderBench {

    private CudaEmbedderBench() {
    }

    /** The runs one policy makes for the chunks, cut into calls as the benchmark makes them. */
    record PlanSummary(int runs, long paddedTokens, long realTokens, Map<String, Integer> shapes) {

        static PlanSummary of(BatchingPolicy policy, int[] lengths, int callSize) {
            int runs = 0;
            long padded = 0;
            long real = Arrays.stream(lengths).asLongStream().sum();
            Map<String, Integer> shapes = new TreeMap<>();
            for (int from = 0; from < lengths.length; from += callSize) {
                int[] call = Arrays.copyOfRange(lengths, from, Math.min(lengths.length, from + callSize));
                for (BatchingPolicy.Batch b : policy.plan(call)) {
                    runs++;
                    padded += b.shape().paddedTokens();
                    shapes.merge("x" + b.width(), b.indexes().length, Integer::sum);
                }
            }
            return new PlanSummary(runs, padded, real, shapes);
        }

        /** "x256: 64 texts, x224: 73, ..." widest first. */
        String widths() {
            List<String> parts = new ArrayList<>();
            shapes.entrySet().stream()
                    .sorted((a, b) -> Integer.compare(Integer.parseInt(b.getKey().substring(1)), Integer.parseInt(a.getKey().substring(1))))
                    .limit(6).forEach(e -> parts.add(e.getKey() + ": " + e.getValue()));
            return String.join(", ", parts) + (shapes.size() > 6 ? ", ... (" + shapes.size() + " widths)" : "");
        }
    }

    static int run(String[] argv, PrintStream err) throws Exception {
        Args args = new Args(argv);
        int count = args.getInt("chunks", 480);
        int runs = args.getInt("runs", 5);
        int maxLength = args.getInt("max-length", EmbedderOptions.DEFAULT_MAX_LENGTH);
        int callSize = args.getInt("call-size", 64);
        ModelVariant variant = ModelVariant.valueOf(args.get("variants", "fp32").split(",")[0].trim().toUpperCase(Locale.ROOT));
        boolean withCpu = !args.has("no-cpu");
        CudaOptions d = CudaOptions.defaults();
        CudaOptions cuda = new CudaOptions(args.getInt("device", d.deviceId()), OptionalLong.empty(), d.convAlgoSearch(),
                d.arenaExtendStrategy(), args.getInt("batch-tokens", d.batchTokens()),
                args.getInt("max-batch-size", d.maxBatchSize()), args.getInt("bucket-width", d.bucketWidth()), true);

        Machine.printHeader("embedder on CUDA: FreshRAG OnnxEmbedder, CUDA policy against CPU policy",
                "./freshrag bench embedder " + String.join(" ", argv));
        NvidiaSmi.Result gpus = NvidiaSmi.query();
        gpus.samples().forEach(g -> System.out.printf(Locale.ROOT, "- GPU %d: %s, %.0f MiB%n", g.index(), g.name(), g.memoryTotalMib()));

        List<String> chunks;
        int[] lengths;
        try (ModelTokenizer tokenizer = ModelTokenizer.load(variant.tokenizerResource(EmbeddingModel.ALL_MINILM_L6_V2), maxLength)) {
            chunks = PepStream.mixedChunks(PepStream.load(), tokenizer, count, 16, 300, 42);
            lengths = new int[chunks.size()];
            for (int i = 0; i < chunks.size(); i++) {
                lengths[i] = Math.min(maxLength, tokenizer.countTokens(chunks.get(i)));
            }
        }
        long tokens = Arrays.stream(lengths).asLongStream().sum();
        System.out.printf(Locale.ROOT, "- chunks: %d cut from the PEP stream (16-300 tokens, truncated at %d), %d tokens per pass,"
                + " calls of %d chunks (the embed-service's slices are 16-64); %d measured passes per target, alternating%n",
                chunks.size(), maxLength, tokens, callSize, runs);

        EmbedderOptions base = EmbedderOptions.defaults().withVariant(variant).withMaxLength(maxLength).withCuda(cuda);
        OnnxEmbedder gpu;
        try {
            gpu = OnnxEmbedder.load(base.withTarget(ExecutionTarget.CUDA));
        } catch (IllegalStateException e) {
            err.println("freshrag bench embedder: --target cuda: the CUDA session did not open: " + e.getMessage());
            return 3;
        }
        try (OnnxEmbedder gpuEmbedder = gpu; OnnxEmbedder cpu = withCpu ? OnnxEmbedder.load(base.withTarget(ExecutionTarget.CPU)) : null) {
            CpuClock warm = new CpuClock();
            List<BatchingPolicy.Shape> warmed = gpuEmbedder.warmUp();
            System.out.printf(Locale.ROOT, "- CUDA warm-up: %d shapes %s in %.1f s%n", warmed.size(), warmed, warm.wallSeconds());
            EmbedderBench.Side gpuSide = side("CUDA", gpuEmbedder);
            EmbedderBench.Side cpuSide = cpu == null ? null : side("CPU", cpu);
            EmbedderBench.pass(gpuSide, chunks, callSize);
            if (cpuSide != null) {
                EmbedderBench.pass(cpuSide, chunks, callSize);
            }
            List<EmbedderBench.Run> gpuRuns = new ArrayList<>();
            List<EmbedderBench.Run> cpuRuns = new ArrayList<>();
            String gpuUse;
            try (NvidiaSmi.Sampler sampler = new NvidiaSmi.Sampler(cuda.deviceId(), 200)) {
                for (int r = 0; r < runs; r++) {
                    gpuRuns.add(EmbedderBench.pass(gpuSide, chunks, callSize));
                    err.printf(Locale.ROOT, "  run %d: CUDA %.1f chunks/s%n", r + 1, chunks.size() / gpuRuns.get(r).wall());
                }
                gpuUse = sampler.summary();
            }
            for (int r = 0; cpuSide != null && r < runs; r++) {
                cpuRuns.add(EmbedderBench.pass(cpuSide, chunks, callSize));
                err.printf(Locale.ROOT, "  run %d: CPU %.1f chunks/s%n", r + 1, chunks.size() / cpuRuns.get(r).wall());
            }
            double agreement = cpu == null ? Double.NaN
                    : EmbedderBench.agreement(gpuEmbedder.embed(chunks.subList(0, 64)), cpu.embed(chunks.subList(0, 64)));

            Table table = new Table("embedder on CUDA and on CPU (" + variant.modelId(EmbeddingModel.ALL_MINILM_L6_V2) + ", max length " + maxLength + ")",
                    "target", "tokens/s", "chunks/s", "runs per pass", "padded / real tokens", "widths (texts per width)", "GPU (nvidia-smi)");
            double gpuTps = row(table, "CUDA", gpuEmbedder, gpuRuns, lengths, callSize, tokens, gpuUse);
            if (cpu != null) {
                double cpuTps = row(table, "CPU", cpu, cpuRuns, lengths, callSize, tokens, "n/a");
                table.note(String.format(Locale.ROOT, "CUDA / CPU tokens/s: %.1fx; mean cosine between the two targets' vectors"
                        + " on 64 chunks %.6f", gpuTps / cpuTps, agreement));
            }
            BatchingPolicy g = gpuEmbedder.batching();
            table.note("CUDA policy: runs of at most " + g.batchTokens() + " padded tokens and " + g.maxBatchSize()
                    + " texts, widths in buckets of " + g.bucketWidth() + ", one runner; CPU policy: " + (cpu == null ? "not run"
                    : cpu.batching().batchTokens() + " padded tokens, " + cpu.batching().maxBatchSize() + " texts, padded to the"
                    + " longest text, " + cpu.batching().workers() + " runners"));
            table.note("GPU memory is the whole device's (nvidia-smi), this process included; sampled every 200 ms during the CUDA passes");
            table.print(System.out);
        }
        return 0;
    }

    private static double row(Table table, String target, OnnxEmbedder embedder, List<EmbedderBench.Run> runs, int[] lengths,
                              int callSize, long tokens, String gpu) {
        PlanSummary plan = PlanSummary.of(embedder.batching(), lengths, callSize);
        double tps = Stats.of(runs.stream().map(r -> tokens / r.wall()).toList()).median();
        double cps = Stats.of(runs.stream().map(r -> lengths.length / r.wall()).toList()).median();
        table.row(target + " (" + embedder.executionProvider() + ")", Table.f(tps, 0), Table.f(cps, 1), plan.runs(),
                Table.f((double) plan.paddedTokens() / plan.realTokens(), 2), plan.widths(), gpu);
        return tps;
    }

    private static EmbedderBench.Side side(String name, OnnxEmbedder embedder) {
        return new EmbedderBench.Side() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public float[][] embed(List<String> texts) {
                return embedder.embed(texts);
            }

            @Override
            public void close() {
                // the caller closes the embedder
            }
        };
    }
}
