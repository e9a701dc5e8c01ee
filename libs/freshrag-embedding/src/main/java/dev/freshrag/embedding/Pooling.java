package dev.freshrag.embedding;

import dev.freshrag.tokenizer.EmbeddingModel;
import java.nio.FloatBuffer;

/**
 * How a model's token vectors become one sentence vector: the pooling it was trained with. Using another one still
 * yields vectors, only worse ones, so the choice follows the model and is not an option.
 */
enum Pooling {

    /** Masked mean of the real tokens (sentence-transformers "mean tokens"): all-MiniLM-L6-v2. */
    MEAN {
        @Override
        float[][] pool(FloatBuffer hidden, int rows, int width, int dimension, int[] lengths) {
            return MeanPooling.pool(hidden, rows, width, dimension, lengths);
        }
    },

    /**
     * The hidden state of the first token, [CLS], L2-normalised: bge-small-en-v1.5 (its model card's
     * {@code model_output[0][:, 0]}). Padding at the end of a row is masked out of attention, so a text's vector
     * does not depend on its batch neighbours.
     */
    CLS {
        @Override
        float[][] pool(FloatBuffer hidden, int rows, int width, int dimension, int[] lengths) {
            checkShape(hidden, rows, width, dimension, lengths);
            int base = hidden.position();
            float[][] pooled = new float[rows][];
            for (int row = 0; row < rows; row++) {
                float[] vector = new float[dimension];
                if (lengths[row] > 0) {
                    int offset = base + row * width * dimension;
                    double norm = 0;
                    for (int d = 0; d < dimension; d++) {
                        float v = hidden.get(offset + d);
                        vector[d] = v;
                        norm += (double) v * v;
                    }
                    norm = Math.sqrt(norm);
                    if (norm > 0) {
                        for (int d = 0; d < dimension; d++) {
                            vector[d] = (float) (vector[d] / norm);
                        }
                    }
                }
                pooled[row] = vector;
            }
            return pooled;
        }
    };

    /**
     * @param hidden  [rows][width][dimension] in row-major order, positioned at the first value
     * @param lengths real tokens per row (left-aligned, padding only at the end)
     * @return [rows][dimension] unit vectors (a zero vector for an empty row)
     */
    abstract float[][] pool(FloatBuffer hidden, int rows, int width, int dimension, int[] lengths);

    /** Fails when the buffer or the lengths do not have the shape the model's output must have. */
    static void checkShape(FloatBuffer hidden, int rows, int width, int dimension, int[] lengths) {
        if (lengths.length != rows) {
            throw new IllegalArgumentException("lengths for " + lengths.length + " rows, expected " + rows);
        }
        if (hidden.remaining() < (long) rows * width * dimension) {
            throw new IllegalArgumentException("hidden state holds " + hidden.remaining() + " values, expected "
                    + (long) rows * width * dimension);
        }
    }

    static Pooling of(EmbeddingModel model) {
        return switch (model) {
            case ALL_MINILM_L6_V2 -> MEAN;
            case BGE_SMALL_EN_V1_5 -> CLS;
        };
    }
}
