package dev.freshrag.index;

/**
 * What the vectors in an index mean. A service refuses to open an index whose fingerprint differs from
 * its model's, because vectors of two models are not comparable.
 */
public record IndexFingerprint(String modelId, int dimension) {

    public void requireSame(IndexFingerprint expected) {
        if (!equals(expected)) {
            throw new IndexMismatchException("the index was built with model " + modelId + " (" + dimension
                    + " dims) but this service embeds with " + expected.modelId() + " (" + expected.dimension()
                    + " dims); point it at another index or re-index");
        }
    }

    /**
     * Refuses a vector this index cannot hold: missing, of another dimension, with a non-finite component,
     * or all zeros (which has no cosine similarity). Every adapter checks before it writes or searches.
     */
    public void requireUsable(float[] vector, String what) {
        if (vector == null) {
            throw new IllegalArgumentException(what + " is missing");
        }
        if (vector.length != dimension) {
            throw new IllegalArgumentException(what + " has " + vector.length + " dimensions but the index holds "
                    + dimension + " (" + modelId + ")");
        }
        double norm = 0;
        for (float x : vector) {
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException(what + " has a non-finite component");
            }
            norm += (double) x * x;
        }
        if (norm == 0) {
            throw new IllegalArgumentException(what + " is the zero vector, which has no cosine similarity");
        }
    }
}
