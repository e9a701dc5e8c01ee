package dev.freshrag.index.generation;

import dev.freshrag.index.IndexFingerprint;
import java.time.Instant;
import java.util.Objects;

/**
 * One index built with one embedding model and one chunking configuration: what a reader must know to search it
 * (which model embeds the query) and what the pipeline must know to fill it.
 *
 * @param number         1, 2, ...: never reused, so a generation id names one build for good
 * @param modelId        the embedding model of its vectors ({@link IndexFingerprint#modelId()})
 * @param dimension      the vector dimension of that model
 * @param chunkMaxTokens the most model tokens of one chunk it was chunked with ({@code freshrag.chunking.max-tokens})
 * @param state          where it stands
 * @param createdAt      when it was started (or adopted)
 */
public record Generation(int number, String modelId, int dimension, int chunkMaxTokens, GenerationState state,
                         Instant createdAt) {

    public Generation {
        if (number < 1) {
            throw new IllegalArgumentException("a generation number starts at 1, was " + number);
        }
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalArgumentException("a generation needs a model id");
        }
        if (dimension < 1) {
            throw new IllegalArgumentException("dimension must be positive, was " + dimension);
        }
        if (chunkMaxTokens < 1) {
            throw new IllegalArgumentException("chunkMaxTokens must be positive, was " + chunkMaxTokens);
        }
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    /** {@code g<number>}: the id the CLI, the API and the metrics show. */
    public String id() {
        return id(number);
    }

    public static String id(int number) {
        return "g" + number;
    }

    /** What its vectors mean: a writer or reader of this generation opens its store with it. */
    public IndexFingerprint fingerprint() {
        return new IndexFingerprint(modelId, dimension);
    }

    Generation withState(GenerationState next) {
        return new Generation(number, modelId, dimension, chunkMaxTokens, next, createdAt);
    }
}
