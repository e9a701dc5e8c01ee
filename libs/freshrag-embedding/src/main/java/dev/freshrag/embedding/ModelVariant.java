package dev.freshrag.embedding;

/**
 * The all-MiniLM-L6-v2 builds we can run, with the classpath resources that carry them.
 *
 * <p>The resources sit at the root of the langchain4j model jars; only the files are used, none of langchain4j's
 * code. fp32 and int8 produce different vectors, so they have different ids: an index written with one must not
 * be queried with the other.
 */
public enum ModelVariant {

    FP32("all-minilm-l6-v2", "/all-minilm-l6-v2.onnx", "/all-minilm-l6-v2-tokenizer.json"),
    /** Dynamically quantised; about half the CPU of FP32, slightly lower quality, batch-composition dependent. */
    INT8("all-minilm-l6-v2-q", "/all-minilm-l6-v2-q.onnx", "/all-minilm-l6-v2-q-tokenizer.json");

    /** Hidden size of MiniLM-L6: both variants produce vectors of this length. */
    public static final int DIMENSION = 384;

    /** BERT position embeddings: no sequence may be longer than this, whatever the options say. */
    public static final int POSITION_LIMIT = 512;

    private final String modelId;
    private final String modelResource;
    private final String tokenizerResource;

    ModelVariant(String modelId, String modelResource, String tokenizerResource) {
        this.modelId = modelId;
        this.modelResource = modelResource;
        this.tokenizerResource = tokenizerResource;
    }

    public String modelId() {
        return modelId;
    }

    public int dimension() {
        return DIMENSION;
    }

    /** Absolute classpath name of the ONNX graph. */
    public String modelResource() {
        return modelResource;
    }

    /** Absolute classpath name of the HuggingFace tokenizer.json. */
    public String tokenizerResource() {
        return tokenizerResource;
    }
}
