package dev.freshrag.embedding;

/**
 * Sentence vector = mean of the token vectors the attention mask marks as real, then scaled to unit length.
 *
 * <p>This is the pooling all-MiniLM-L6-v2 was trained with (sentence-transformers "mean tokens"). Padding must
 * be excluded: with a micro-batch padded to its longest member, including pad positions would make a text's
 * vector depend on its neighbours. Unit length lets callers use a dot product as cosine similarity.
 */
final class MeanPooling {

    private MeanPooling() {
    }

    /**
     * @param lastHiddenState [batch][sequence][dimension] token vectors from the model
     * @param attentionMask   [batch][sequence], 1 = real token, 0 = padding
     * @return [batch][dimension] unit vectors; an all-padding row (never produced by the tokenizer, which always
     *         adds [CLS] and [SEP]) yields a zero vector rather than NaNs
     */
    static float[][] pool(float[][][] lastHiddenState, long[][] attentionMask) {
        if (lastHiddenState.length != attentionMask.length) {
            throw new IllegalArgumentException("batch sizes differ: hidden state " + lastHiddenState.length
                    + ", mask " + attentionMask.length);
        }
        float[][] pooled = new float[lastHiddenState.length][];
        for (int row = 0; row < lastHiddenState.length; row++) {
            pooled[row] = poolOne(lastHiddenState[row], attentionMask[row]);
        }
        return pooled;
    }

    /**
     * The same pooling straight from the model's flat output buffer, without building {@code float[][][]}:
     * row {@code r} holds {@code lengths[r]} real tokens followed by padding, as the embedder lays out its
     * micro-batches (texts are never padded in front or in the middle).
     *
     * @param hidden  [rows][width][dimension] in row-major order, positioned at the first value
     * @param lengths real tokens per row, each in [0, width]
     */
    static float[][] pool(java.nio.FloatBuffer hidden, int rows, int width, int dimension, int[] lengths) {
        Pooling.checkShape(hidden, rows, width, dimension, lengths);
        int base = hidden.position();
        float[][] pooled = new float[rows][];
        double[] sum = new double[dimension];
        for (int row = 0; row < rows; row++) {
            int count = lengths[row];
            if (count < 0 || count > width) {
                throw new IllegalArgumentException("row " + row + " length " + count + " outside [0, " + width + "]");
            }
            java.util.Arrays.fill(sum, 0);
            int offset = base + row * width * dimension;
            for (int t = 0; t < count; t++, offset += dimension) {
                for (int d = 0; d < dimension; d++) {
                    sum[d] += hidden.get(offset + d);
                }
            }
            pooled[row] = normalisedMean(sum, count);
        }
        return pooled;
    }

    private static float[] normalisedMean(double[] sum, long count) {
        int dimension = sum.length;
        float[] vector = new float[dimension];
        if (count == 0) {
            return vector;
        }
        double norm = 0;
        for (int d = 0; d < dimension; d++) {
            double mean = sum[d] / count;
            norm += mean * mean;
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
            return vector;
        }
        for (int d = 0; d < dimension; d++) {
            vector[d] = (float) (sum[d] / count / norm);
        }
        return vector;
    }

    private static float[] poolOne(float[][] tokens, long[] mask) {
        if (tokens.length != mask.length) {
            throw new IllegalArgumentException("sequence lengths differ: hidden state " + tokens.length
                    + ", mask " + mask.length);
        }
        int dimension = tokens.length == 0 ? 0 : tokens[0].length;
        // double accumulators: summing up to 512 floats per component, keep the rounding out of the vector
        double[] sum = new double[dimension];
        long count = 0;
        for (int t = 0; t < tokens.length; t++) {
            if (mask[t] == 0) {
                continue;
            }
            count++;
            float[] token = tokens[t];
            for (int d = 0; d < dimension; d++) {
                sum[d] += token[d];
            }
        }
        return normalisedMean(sum, count);
    }
}
