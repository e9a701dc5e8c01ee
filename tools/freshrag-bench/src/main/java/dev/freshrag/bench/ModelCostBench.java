package dev.freshrag.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.ModelVariant;
import dev.freshrag.tokenizer.EmbeddingModel;
import dev.freshrag.tokenizer.ModelTokenizer;

/**
 * {@code ./freshrag bench embedder --models all-minilm-l6-v2,bge-small-en-v1.5}: what each model costs FreshRAG's
 * embedder on the same chunks, cut at the same max length, in one JVM. The models run alternately (one pass each, in
 * turn) so that background load hits them alike; medians over the measured passes, and each model's tokens/s as a
 * ratio to the first model's.
 */
final class ModelCostBench {

    private ModelCostBench() {
    }

    static void run(String[] argv) throws Exception {
        Args args = new Args(argv);
        EmbedderRunOptions sizes = EmbedderRunOptions.of(args);
        ModelVariant variant = ModelVariant.valueOf(args.get("variant", "fp32").trim().toUpperCase(Locale.ROOT));
        List<EmbeddingModel> models = new ArrayList<>();
        for (String m : args.get("models", "all-minilm-l6-v2,bge-small-en-v1.5").split(",")) {
            models.add(EmbeddingModel.fromConfigName(m.trim()));
        }

        Machine.printHeader("embedder: cost per model (FreshRAG OnnxEmbedder, CPU)",
                "./freshrag bench embedder " + String.join(" ", argv));
        List<String> chunks;
        long tokens = 0;
        // both models share the uncased BERT WordPiece vocabulary: one tokenizer counts for both
        try (ModelTokenizer tokenizer = ModelTokenizer.load(ModelVariant.FP32.tokenizerResource(EmbeddingModel.ALL_MINILM_L6_V2), sizes.maxLength())) {
            chunks = PepStream.mixedChunks(PepStream.load(), tokenizer, sizes.chunks(), 16, 300, 42);
            for (String c : chunks) {
                tokens += Math.min(tokenizer.countTokens(c), sizes.maxLength());
            }
        }
        System.out.printf(Locale.ROOT, "- chunks: %d cut from the PEP stream (paragraphs merged to random targets of 16-300 tokens),"
                + " %d model tokens per pass at max length %d; calls of %d chunks; variant %s%n", chunks.size(), tokens,
                sizes.maxLength(), sizes.callSize(), variant);
        System.out.printf(Locale.ROOT, "- %d warm-up pass(es) and %d measured passes per model, models alternating; medians%n",
                sizes.warmup(), sizes.runs());

        Map<EmbeddingModel, EmbedderBench.Side> sides = new LinkedHashMap<>();
        Map<EmbeddingModel, List<EmbedderBench.Run>> measured = new LinkedHashMap<>();
        try {
            for (EmbeddingModel m : models) {
                sides.put(m, EmbedderBench.freshrag(EmbedderOptions.defaults().withModel(m).withVariant(variant)
                        .withMaxLength(sizes.maxLength()).withTarget(ExecutionTarget.CPU)));
                measured.put(m, new ArrayList<>());
            }
            for (int w = 0; w < sizes.warmup(); w++) {
                sides.values().forEach(s -> EmbedderBench.pass(s, chunks, sizes.callSize()));
            }
            for (int r = 0; r < sizes.runs(); r++) {
                for (EmbeddingModel m : models) {
                    EmbedderBench.Run run = EmbedderBench.pass(sides.get(m), chunks, sizes.callSize());
                    measured.get(m).add(run);
                    System.err.printf(Locale.ROOT, "  run %d: %s %.1f chunks/s%n", r + 1, m.configName(),
                            chunks.size() / run.wall());
                }
            }
        } finally {
            sides.values().forEach(EmbedderBench.Side::close);
        }

        Table table = new Table("embedder cost per model (max length " + sizes.maxLength() + ", " + variant + ", CPU)",
                "model", "tokens/s", "chunks/s", "CPU s/chunk", "CPU use (cores)", "runs (chunks/s min-max)",
                "ratio (tokens/s)");
        double first = Double.NaN;
        final long total = tokens;
        for (EmbeddingModel m : models) {
            List<EmbedderBench.Run> runsOf = measured.get(m);
            double tps = Stats.of(runsOf.stream().map(r -> total / r.wall()).toList()).median();
            first = Double.isNaN(first) ? tps : first;
            Stats cps = Stats.of(runsOf.stream().map(r -> chunks.size() / r.wall()).toList());
            table.row(m.configName(), Table.f(tps, 0), Table.f(cps.median(), 1),
                    Table.f(Stats.of(runsOf.stream().map(r -> r.cpu() / chunks.size()).toList()).median(), 4),
                    Table.f(Stats.of(runsOf.stream().map(r -> r.cpu() / r.wall()).toList()).median(), 2),
                    Table.f(cps.min(), 1) + "-" + Table.f(cps.max(), 1), Table.f(tps / first, 2) + "x");
        }
        table.note("OnnxEmbedder with EmbedderOptions.defaults().withModel(model), target CPU: texts sorted by length,"
                + " micro-batches by padded tokens, " + EmbedderBench.freshragWorkers() + " workers sharing one session");
        table.note("the same chunks and max length for every model, so the ratio is the cost of the model alone; in the"
                + " services a model with a longer max length also gets longer chunks (the ingest cuts to it)");
        table.print(System.out);
    }
}
