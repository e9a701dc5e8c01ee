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

    /** "CUDA" or "CPU": where inference actually runs, for logs and health. */
    String executionProvider();

    @Override
    void close();
}
