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
}
