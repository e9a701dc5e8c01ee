package dev.freshrag.embedding;

import java.util.List;

/**
 * Turns texts into L2-normalised vectors. Knows neither Kafka nor the index. Thread-safe.
 */
public interface Embedder extends AutoCloseable {

    /** What the vectors mean: model id (also the index fingerprint), dimension, max tokens. */
    ModelInfo model();

    /** One unit-length vector per text, in input order. Texts longer than the model's max length are truncated. */
    float[][] embed(List<String> texts);

    default float[] embed(String text) {
        return embed(List.of(text))[0];
    }

    /**
     * The vector of a search query: models trained with a query instruction (bge-small-en-v1.5) get it put in front
     * here, never in {@link #embed(List)}, which is for the passages being indexed. Without one, the same as
     * {@link #embed(String)}.
     */
    default float[] embedQuery(String query) {
        return embed(query);
    }

    /**
     * What this embedder's model runs did since it was loaded (runs, texts, real and padded tokens, CPU inside the
     * model); empty when the model runs elsewhere (an embedding server).
     */
    default java.util.Optional<ModelRunTotals> runTotals() {
        return java.util.Optional.empty();
    }

    /** "CUDA" or "CPU": where inference actually runs, for logs and health. */
    String executionProvider();

    @Override
    void close();
}
