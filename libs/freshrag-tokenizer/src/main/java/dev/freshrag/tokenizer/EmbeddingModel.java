package dev.freshrag.tokenizer;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The embedding models FreshRAG runs in process ({@code freshrag.embedding.model}), with what every service needs to
 * know about one of them without running it: its name, its longest input and its tokenizer files. Declared here,
 * beside the tokenizer, because the ingest-service cuts chunks to the model's length but carries neither the model
 * nor ONNX Runtime; how the model is run (its ONNX graph, pooling) is the embedder's business.
 *
 * <p>Both models share the uncased BERT WordPiece vocabulary and normaliser (their tokenizer.json files differ only
 * in the truncation and padding settings, which {@link ModelTokenizer} never uses), and both produce 384 dimensions.
 */
public enum EmbeddingModel {

    /**
     * sentence-transformers/all-MiniLM-L6-v2: mean pooling, trained on 256-token inputs; the default before FreshRAG
     * measured both models, so the model of many existing indexes (kept when {@code freshrag.embedding.model} is unset).
     */
    ALL_MINILM_L6_V2("all-minilm-l6-v2", 256, TokenizerFiles.ALL_MINILM_L6_V2, TokenizerFiles.ALL_MINILM_L6_V2_Q, ""),

    /**
     * BAAI/bge-small-en-v1.5: CLS pooling, 512 tokens, and an instruction that retrieval queries (never passages)
     * start with, as its model card prescribes for short queries against longer passages.
     */
    BGE_SMALL_EN_V1_5("bge-small-en-v1.5", 512, TokenizerFiles.BGE_SMALL_EN_V1_5, TokenizerFiles.BGE_SMALL_EN_V1_5_Q,
            "Represent this sentence for searching relevant passages: ");

    /**
     * The model a new index is built with when {@code freshrag.embedding.model} is unset: bge-small-en-v1.5, the best
     * measured on every retrieval figure (README, "Which model is the default"). An existing index keeps its own model.
     */
    public static final EmbeddingModel FOR_NEW_INDEX = BGE_SMALL_EN_V1_5;

    private final String configName;
    private final int maxLength;
    private final String tokenizerResource;
    private final String quantizedTokenizerResource;
    private final String queryInstruction;

    EmbeddingModel(String configName, int maxLength, String tokenizerResource, String quantizedTokenizerResource,
                   String queryInstruction) {
        this.configName = configName;
        this.maxLength = maxLength;
        this.tokenizerResource = tokenizerResource;
        this.quantizedTokenizerResource = quantizedTokenizerResource;
        this.queryInstruction = queryInstruction;
    }

    /** The value of {@code freshrag.embedding.model}, and the stem of the model id the index fingerprint records. */
    public String configName() {
        return configName;
    }

    /** Most tokens per text, [CLS] and [SEP] included: the model's trained length, also the chunker's ceiling. */
    public int maxLength() {
        return maxLength;
    }

    /** Absolute classpath name of the tokenizer.json of the fp32 ({@code quantized} false) or int8 build. */
    public String tokenizerResource(boolean quantized) {
        return quantized ? quantizedTokenizerResource : tokenizerResource;
    }

    /** Text put in front of a search query before it is embedded (empty for models without one); never for chunks. */
    public String queryInstruction() {
        return queryInstruction;
    }

    /**
     * The model named {@code name} ({@link #configName()}, case-insensitive, surrounding blanks ignored); an unknown
     * name fails with the allowed values, so a start with a misspelt model stops with a message saying what to set.
     */
    public static EmbeddingModel fromConfigName(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (EmbeddingModel model : values()) {
            if (model.configName.equals(wanted)) {
                return model;
            }
        }
        throw new IllegalArgumentException("unknown embedding model '" + name + "'; allowed: "
                + Arrays.stream(values()).map(EmbeddingModel::configName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return configName;
    }
}
