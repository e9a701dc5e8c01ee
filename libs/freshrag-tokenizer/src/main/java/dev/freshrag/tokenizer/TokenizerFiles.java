package dev.freshrag.tokenizer;

/**
 * The tokenizer.json files this module carries, by absolute classpath name.
 *
 * <p>They are copied at build time, byte for byte, from the root of the langchain4j model jars (see this module's
 * pom), so that a service which only counts tokens does not ship the 90 MB models nor ONNX Runtime. The names are
 * the ones the model jars use, so the embedder's {@code EmbeddingModel} finds the same file whichever jar comes first
 * on its classpath. The fp32 and int8 builds share one vocabulary; both files exist because each variant names its
 * own.
 */
public final class TokenizerFiles {

    /** all-MiniLM-L6-v2, fp32 build. */
    public static final String ALL_MINILM_L6_V2 = "/all-minilm-l6-v2-tokenizer.json";

    /** all-MiniLM-L6-v2, dynamically quantised (int8) build. */
    public static final String ALL_MINILM_L6_V2_Q = "/all-minilm-l6-v2-q-tokenizer.json";

    /** bge-small-en-v1.5, fp32 build: the same uncased BERT WordPiece vocabulary and normaliser as MiniLM. */
    public static final String BGE_SMALL_EN_V1_5 = "/bge-small-en-v1.5-tokenizer.json";

    /** bge-small-en-v1.5, dynamically quantised (int8) build. */
    public static final String BGE_SMALL_EN_V1_5_Q = "/bge-small-en-v1.5-q-tokenizer.json";

    /**
     * Tokens per text, [CLS] and [SEP] included, that all-MiniLM-L6-v2 was trained with. The files themselves say
     * 128 (and pad to it); {@link ModelTokenizer} never uses their setting.
     */
    public static final int DEFAULT_MAX_LENGTH = 256;

    private TokenizerFiles() {
    }
}
