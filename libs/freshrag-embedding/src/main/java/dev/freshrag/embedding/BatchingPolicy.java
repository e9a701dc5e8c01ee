package dev.freshrag.embedding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * How one {@code embed} call is cut into ONNX runs, chosen by where the session really runs ({@link #forProvider}).
 *
 * <p>Both policies sort texts by token length, longest first, and fill a run with as many as fit in a budget of
 * padded tokens (at least one text, at most {@code maxBatchSize}). They differ where CPU and GPU differ:
 * <ul>
 *   <li><b>CPU</b> (today's behaviour, unchanged): a budget of 256 padded tokens, each run padded only to its own
 *       longest text, run by several Java threads sharing the session. Padded positions cost full compute on a CPU
 *       and larger runs are not faster per token there (see {@link OnnxEmbedder#DEFAULT_BATCH_TOKENS}).</li>
 *   <li><b>CUDA</b>: a device-sized budget (16384 by default, TEI's), widths rounded up to buckets so that few
 *       distinct shapes occur and warm-up can run each of them at start, and one runner: a GPU runs one kernel
 *       stream, and concurrent runs on one device only contend for it (see {@link CudaOptions}).</li>
 * </ul>
 *
 * @param provider     "CPU" or "CUDA": the execution provider this policy is for
 * @param batchTokens  most padded tokens (rows x padded width) in one run
 * @param maxBatchSize most texts in one run
 * @param workers      Java threads running the runs of one call (the caller included)
 * @param bucketWidth  padded widths are rounded up to a multiple of this (1 = pad to the longest text only)
 * @param maxLength    the model's max tokens per text; no width exceeds it
 * @param warmUp       whether {@link #warmUpShapes()} are run at start
 */
public record BatchingPolicy(String provider, int batchTokens, int maxBatchSize, int workers, int bucketWidth,
                             int maxLength, boolean warmUp) {

    /** One ONNX run's input shape: rows (texts) x padded width (tokens). */
    public record Shape(int rows, int width) {
        public int paddedTokens() {
            return rows * width;
        }

        @Override
        public String toString() {
            return rows + "x" + width;
        }
    }

    /** One run: the indexes of its texts (into the call's list) and its padded width. */
    public record Batch(int[] indexes, int width) {
        public Shape shape() {
            return new Shape(indexes.length, width);
        }
    }

    public BatchingPolicy {
        Objects.requireNonNull(provider, "provider");
        if (batchTokens < 1 || maxBatchSize < 1 || workers < 1 || bucketWidth < 1 || maxLength < 1) {
            throw new IllegalArgumentException("batching figures must be >= 1: " + batchTokens + ", " + maxBatchSize
                    + ", " + workers + ", " + bucketWidth + ", " + maxLength);
        }
    }

    /** The policy for the provider the session ended up on: "CUDA", else CPU. */
    public static BatchingPolicy forProvider(String executionProvider, EmbedderOptions options) {
        return "CUDA".equals(executionProvider) ? cuda(options) : cpu(options);
    }

    /**
     * Today's CPU policy: the budget {@link OnnxEmbedder#DEFAULT_BATCH_TOKENS} and workers
     * {@code availableProcessors / intraOpThreads}, each overridable by its system property (for benchmarks).
     */
    public static BatchingPolicy cpu(EmbedderOptions options) {
        int workers = Math.max(1, Integer.getInteger(OnnxEmbedder.WORKERS_PROPERTY,
                Math.max(1, Runtime.getRuntime().availableProcessors() / options.intraOpThreads())));
        int batchTokens = Math.max(1, Integer.getInteger(OnnxEmbedder.BATCH_TOKENS_PROPERTY,
                OnnxEmbedder.DEFAULT_BATCH_TOKENS));
        return new BatchingPolicy("CPU", batchTokens, options.maxBatchSize(), workers, 1, options.maxLength(), false);
    }

    /** The CUDA policy of {@link EmbedderOptions#cuda()}: its budget, batch size and buckets, one runner. */
    public static BatchingPolicy cuda(EmbedderOptions options) {
        CudaOptions cuda = options.cuda();
        return new BatchingPolicy("CUDA", cuda.batchTokens(), cuda.maxBatchSize(), 1,
                Math.min(cuda.bucketWidth(), options.maxLength()), options.maxLength(), cuda.warmUp());
    }

    /** The padded width of a run whose longest text has {@code longest} tokens. */
    public int paddedWidth(int longest) {
        int width = Math.max(1, longest);
        if (bucketWidth > 1) {
            width = Math.min(maxLength, ((width + bucketWidth - 1) / bucketWidth) * bucketWidth);
        }
        return Math.max(width, longest);
    }

    /** Texts in a run of the given padded width: as many as the budget allows, at least one. */
    public int rowsFor(int width) {
        return Math.max(1, Math.min(maxBatchSize, batchTokens / width));
    }

    /** The runs for texts of these token lengths, costliest first (longest texts first). */
    public List<Batch> plan(int[] lengths) {
        Integer[] order = new Integer[lengths.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(lengths[b], lengths[a]));
        List<Batch> batches = new ArrayList<>();
        int from = 0;
        while (from < order.length) {
            int width = paddedWidth(lengths[order[from]]);
            int to = Math.min(order.length, from + rowsFor(width));
            int[] batch = new int[to - from];
            for (int i = from; i < to; i++) {
                batch[i - from] = order[i];
            }
            batches.add(new Batch(batch, width));
            from = to;
        }
        return batches;
    }

    /**
     * The shapes run once at start: per bucket width, the largest run it allows (smaller runs of that width fit in
     * the memory it leaves in the arena). None on CPU, where a shape costs nothing to see first.
     */
    public List<Shape> warmUpShapes() {
        if (!warmUp || bucketWidth <= 1) {
            return List.of();
        }
        List<Shape> shapes = new ArrayList<>();
        for (int width = bucketWidth; ; width = Math.min(maxLength, width + bucketWidth)) {
            shapes.add(new Shape(rowsFor(width), width));
            if (width >= maxLength) {
                return shapes;
            }
        }
    }
}
