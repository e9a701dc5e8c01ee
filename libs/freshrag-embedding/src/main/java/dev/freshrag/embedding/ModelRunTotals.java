package dev.freshrag.embedding;

/**
 * What an embedder's model runs did since it was loaded: how many runs, the texts in them, their real tokens, the
 * padded tokens the model computed (rows x padded width), and the CPU time of the threads while they were inside
 * the model. Padding and CPU are what a benchmark needs to tell "the model costs more per chunk here" (small or badly
 * grouped runs, a contended CPU) from "the rest of the service costs more".
 *
 * @param cpuNanos CPU time of the running threads inside ONNX Runtime; on CPU with one intra-op thread per run that
 *                 is all of the model's compute, on CUDA only the host side
 */
public record ModelRunTotals(long runs, long texts, long tokens, long paddedTokens, long cpuNanos) {

    public static final ModelRunTotals ZERO = new ModelRunTotals(0, 0, 0, 0, 0);

    /** What happened between {@code earlier} and this. */
    public ModelRunTotals since(ModelRunTotals earlier) {
        return new ModelRunTotals(runs - earlier.runs, texts - earlier.texts, tokens - earlier.tokens,
                paddedTokens - earlier.paddedTokens, cpuNanos - earlier.cpuNanos);
    }

    public ModelRunTotals plus(ModelRunTotals other) {
        return new ModelRunTotals(runs + other.runs, texts + other.texts, tokens + other.tokens,
                paddedTokens + other.paddedTokens, cpuNanos + other.cpuNanos);
    }

    /** Share of the computed positions that were padding, 0 when nothing ran. */
    public double paddingShare() {
        return paddedTokens == 0 ? 0 : 1.0 - (double) tokens / paddedTokens;
    }
}
