package dev.freshrag.embedding;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How the embedder runs when its session ends up on CUDA: ONNX Runtime's CUDA provider options and the batching of
 * a GPU. Ignored on CPU (the CPU policy keeps its own, measured, figures: see {@link BatchingPolicy}).
 *
 * <p>Why these defaults. A GPU is fast per token only when a run holds many of them: with the CPU budget of 256
 * padded tokens a run carries one or two chunks and kernel launches and the host-device copies dominate.
 * text-embeddings-inference batches by tokens, {@code --max-batch-tokens} 16384 by default, so the same budget is
 * the default here: for all-MiniLM-L6-v2 (6 layers, hidden 384, 12 heads) a run of 64 x 256 tokens needs about
 * 200 MB for one layer's attention scores plus 100 MB for its feed-forward activations, which fits any CUDA card
 * next to the 90 MB model while leaving room for another process. Widths are rounded up to buckets of 32 tokens so
 * that the session sees at most 8 widths (256 / 32) and warm-up can run each one at start: ONNX Runtime's arena
 * then reaches its peak before the first real batch, and with {@code SAME_AS_REQUESTED} it grows only by what a
 * shape needs (the default, next power of two, can double a large request). cuDNN's algorithm search runs per new
 * input shape; EXHAUSTIVE (ONNX Runtime's default) is kept because warm-up pays it at start, once per bucket (and
 * this BERT graph has no Conv node, so it costs nothing here).
 *
 * @param deviceId            CUDA device ordinal ({@code device_id})
 * @param gpuMemLimit         bytes the provider's memory arena may hold ({@code gpu_mem_limit}); empty = no limit
 * @param convAlgoSearch      cuDNN convolution algorithm search ({@code cudnn_conv_algo_search})
 * @param arenaExtendStrategy how the arena grows ({@code arena_extend_strategy})
 * @param batchTokens         most padded tokens (rows x bucketed width) in one run
 * @param maxBatchSize        most texts in one run
 * @param bucketWidth         padded widths are multiples of this (capped at the max length), so shapes repeat
 * @param warmUp              run every shape of the plan's buckets once at start
 */
public record CudaOptions(
        int deviceId,
        OptionalLong gpuMemLimit,
        ConvAlgoSearch convAlgoSearch,
        ArenaExtendStrategy arenaExtendStrategy,
        int batchTokens,
        int maxBatchSize,
        int bucketWidth,
        boolean warmUp) {

    /** TEI's default {@code --max-batch-tokens}. */
    public static final int DEFAULT_BATCH_TOKENS = 16384;
    /** 16384 / 32: a full budget of the shortest bucket. */
    public static final int DEFAULT_MAX_BATCH_SIZE = 512;
    public static final int DEFAULT_BUCKET_WIDTH = 32;

    /** ONNX Runtime's {@code cudnn_conv_algo_search} values. */
    public enum ConvAlgoSearch {
        /** benchmark every algorithm at the first run of a shape (ONNX Runtime's default) */
        EXHAUSTIVE,
        /** pick by cuDNN's heuristics, no benchmarking */
        HEURISTIC,
        /** always the implicit-precomputed GEMM algorithm; least memory */
        DEFAULT
    }

    /** ONNX Runtime's {@code arena_extend_strategy} values. */
    public enum ArenaExtendStrategy {
        NEXT_POWER_OF_TWO("kNextPowerOfTwo"),
        SAME_AS_REQUESTED("kSameAsRequested");

        private final String ortName;

        ArenaExtendStrategy(String ortName) {
            this.ortName = ortName;
        }

        public String ortName() {
            return ortName;
        }
    }

    public CudaOptions {
        Objects.requireNonNull(gpuMemLimit, "gpuMemLimit");
        Objects.requireNonNull(convAlgoSearch, "convAlgoSearch");
        Objects.requireNonNull(arenaExtendStrategy, "arenaExtendStrategy");
        if (deviceId < 0) {
            throw new IllegalArgumentException("CUDA device id must be >= 0, was " + deviceId);
        }
        if (gpuMemLimit.isPresent() && gpuMemLimit.getAsLong() < 1) {
            throw new IllegalArgumentException("gpu memory limit must be positive, was " + gpuMemLimit.getAsLong());
        }
        if (batchTokens < 1 || maxBatchSize < 1 || bucketWidth < 1) {
            throw new IllegalArgumentException("CUDA batch-tokens, max-batch-size and bucket-width must be >= 1, were "
                    + batchTokens + ", " + maxBatchSize + ", " + bucketWidth);
        }
    }

    /** Device 0, no memory limit, exhaustive search, same-as-requested arena, 16384 tokens, 512 texts, buckets of 32. */
    public static CudaOptions defaults() {
        return new CudaOptions(0, OptionalLong.empty(), ConvAlgoSearch.EXHAUSTIVE, ArenaExtendStrategy.SAME_AS_REQUESTED,
                DEFAULT_BATCH_TOKENS, DEFAULT_MAX_BATCH_SIZE, DEFAULT_BUCKET_WIDTH, true);
    }

    /** The options as ONNX Runtime's CUDA provider reads them ({@code OrtCUDAProviderOptions.add(key, value)}). */
    public Map<String, String> providerOptions() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("device_id", Integer.toString(deviceId));
        gpuMemLimit.ifPresent(limit -> options.put("gpu_mem_limit", Long.toString(limit)));
        options.put("arena_extend_strategy", arenaExtendStrategy.ortName());
        options.put("cudnn_conv_algo_search", convAlgoSearch.name());
        return options;
    }
}
