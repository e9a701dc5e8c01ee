package dev.freshrag.embedding;

import dev.freshrag.tokenizer.EmbeddingModel;
import java.util.Objects;

/**
 * How to load and run the embedding model.
 *
 * @param model          which model (all-MiniLM-L6-v2 or bge-small-en-v1.5): its graph, tokenizer and pooling
 * @param variant        which model build (fp32 or int8)
 * @param maxLength      tokens per text, [CLS] and [SEP] included; longer texts are truncated. The model's trained
 *                       length by default (256 for all-MiniLM-L6-v2, 512 for bge-small-en-v1.5). The bundled
 *                       tokenizer.json files say 128 or nothing, which would silently cut the usable text: we always
 *                       override them with this value.
 * @param maxBatchSize   most texts per ONNX run; bounds memory, and with length-sorting keeps padding small
 * @param intraOpThreads ONNX Runtime threads per run; 1 is best when several callers share the session
 * @param target         CPU, CUDA, or CUDA-if-available
 * @param cuda           CUDA provider options and GPU batching, used only when the session runs on CUDA
 *                       ({@code maxBatchSize} and {@code intraOpThreads} above are the CPU policy's)
 */
public record EmbedderOptions(
        EmbeddingModel model,
        ModelVariant variant,
        int maxLength,
        int maxBatchSize,
        int intraOpThreads,
        ExecutionTarget target,
        CudaOptions cuda) {

    public static final int DEFAULT_MAX_LENGTH = 256;
    public static final int DEFAULT_MAX_BATCH_SIZE = 32;
    public static final int DEFAULT_INTRA_OP_THREADS = 1;

    public EmbedderOptions {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(cuda, "cuda");
        // 2 = room for [CLS] and [SEP]; the upper bound is the model's position embedding table.
        if (maxLength < 2 || maxLength > ModelVariant.POSITION_LIMIT) {
            throw new IllegalArgumentException(
                    "maxLength must be in [2, " + ModelVariant.POSITION_LIMIT + "], was " + maxLength);
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be >= 1, was " + maxBatchSize);
        }
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, was " + intraOpThreads);
        }
    }

    /** all-MiniLM-L6-v2 (the options as they were before a second model existed). */
    public EmbedderOptions(ModelVariant variant, int maxLength, int maxBatchSize, int intraOpThreads,
                           ExecutionTarget target, CudaOptions cuda) {
        this(EmbeddingModel.ALL_MINILM_L6_V2, variant, maxLength, maxBatchSize, intraOpThreads, target, cuda);
    }

    /** all-MiniLM-L6-v2, the CPU-only options, with the CUDA defaults. */
    public EmbedderOptions(ModelVariant variant, int maxLength, int maxBatchSize, int intraOpThreads,
                           ExecutionTarget target) {
        this(variant, maxLength, maxBatchSize, intraOpThreads, target, CudaOptions.defaults());
    }

    /**
     * all-MiniLM-L6-v2 FP32, 256 tokens, batches of 32, one intra-op thread, CUDA if available (with
     * {@link CudaOptions#defaults()}).
     */
    public static EmbedderOptions defaults() {
        return new EmbedderOptions(EmbeddingModel.ALL_MINILM_L6_V2, ModelVariant.FP32, DEFAULT_MAX_LENGTH,
                DEFAULT_MAX_BATCH_SIZE, DEFAULT_INTRA_OP_THREADS, ExecutionTarget.AUTO, CudaOptions.defaults());
    }

    /** Another model, at its own trained length (set {@link #withMaxLength} after this to cut shorter). */
    public EmbedderOptions withModel(EmbeddingModel model) {
        return new EmbedderOptions(model, variant, model.maxLength(), maxBatchSize, intraOpThreads, target, cuda);
    }

    public EmbedderOptions withVariant(ModelVariant variant) {
        return new EmbedderOptions(model, variant, maxLength, maxBatchSize, intraOpThreads, target, cuda);
    }

    /** The id the index fingerprint records for this model and build. */
    public String modelId() {
        return variant.modelId(model);
    }

    /** Absolute classpath name of the ONNX graph to load. */
    public String modelResource() {
        return variant.modelResource(model);
    }

    /** Absolute classpath name of the tokenizer.json to load. */
    public String tokenizerResource() {
        return variant.tokenizerResource(model);
    }

    public EmbedderOptions withMaxLength(int maxLength) {
        return new EmbedderOptions(model, variant, maxLength, maxBatchSize, intraOpThreads, target, cuda);
    }

    public EmbedderOptions withMaxBatchSize(int maxBatchSize) {
        return new EmbedderOptions(model, variant, maxLength, maxBatchSize, intraOpThreads, target, cuda);
    }

    public EmbedderOptions withIntraOpThreads(int intraOpThreads) {
        return new EmbedderOptions(model, variant, maxLength, maxBatchSize, intraOpThreads, target, cuda);
    }

    public EmbedderOptions withTarget(ExecutionTarget target) {
        return new EmbedderOptions(model, variant, maxLength, maxBatchSize, intraOpThreads, target, cuda);
    }

    public EmbedderOptions withCuda(CudaOptions cuda) {
        return new EmbedderOptions(model, variant, maxLength, maxBatchSize, intraOpThreads, target, cuda);
    }
}
