package dev.freshrag.index;

/**
 * What an open index tells about itself, whichever side opened it: {@link VectorIndexReader} (the
 * query-service) or {@link VectorIndexWriter} (the embed-service). It knows no Kafka and no HTTP.
 */
public interface VectorIndexHandle extends AutoCloseable {

    /** Model id and vector dimension the index was built with; fixed for its lifetime. */
    IndexFingerprint fingerprint();

    /** Source positions of the live lane applied so far, as recorded by {@link VectorIndexWriter#commit}. */
    default SourceOffsets appliedSourceOffsets() {
        return appliedSourceOffsets(Lane.LIVE);
    }

    /** Source positions of one lane applied so far, as recorded by {@link VectorIndexWriter#commit(Lane, SourceOffsets)}. */
    SourceOffsets appliedSourceOffsets(Lane lane);

    /**
     * The index generation this handle reads or writes, where the store itself records it (a Qdrant collection's
     * metadata); empty where the generation plan says it instead (Lucene's pointer file).
     */
    default java.util.OptionalInt generationNumber() {
        return java.util.OptionalInt.empty();
    }

    /** Whether the store answers; used by health checks. */
    boolean isHealthy();

    @Override
    void close();
}
