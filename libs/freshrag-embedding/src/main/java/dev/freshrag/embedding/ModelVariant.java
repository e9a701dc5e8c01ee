package dev.freshrag.embedding;

import dev.freshrag.tokenizer.EmbeddingModel;

/**
 * The two builds of every {@link EmbeddingModel}, with the classpath resources that carry them.
 *
 * <p>The resources sit at the root of the langchain4j model jars ({@code /<id>.onnx}); only the files are used, none
 * of langchain4j's code. fp32 and int8 produce different vectors, so they have different ids: an index written with
 * one must not be queried with the other (nor with another model).
 */
public enum ModelVariant {

    FP32(""),
    /** Dynamically quantised; about half the CPU of FP32, slightly lower quality, batch-composition dependent. */
    INT8("-q");

    /** Hidden size of MiniLM-L6 and of bge-small: every model and variant produces vectors of this length. */
    public static final int DIMENSION = 384;

    /** BERT position embeddings: no sequence may be longer than this, whatever the options say. */
    public static final int POSITION_LIMIT = 512;

    private final String suffix;

    ModelVariant(String suffix) {
        this.suffix = suffix;
    }

    /**
     * The id the index fingerprint records: the model's name plus {@code -q} for int8 ({@code all-minilm-l6-v2},
     * {@code bge-small-en-v1.5-q}); the MiniLM ids are the ones indexes were written with before bge existed.
     */
    public String modelId(EmbeddingModel model) {
        return model.configName() + suffix;
    }

    public int dimension() {
        return DIMENSION;
    }

    /** Absolute classpath name of the ONNX graph of {@code model} in this build. */
    public String modelResource(EmbeddingModel model) {
        return "/" + modelId(model) + ".onnx";
    }

    /** Absolute classpath name of the HuggingFace tokenizer.json of {@code model} in this build. */
    public String tokenizerResource(EmbeddingModel model) {
        return model.tokenizerResource(this == INT8);
    }
}
