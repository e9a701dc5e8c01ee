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
     * The offsets the live lane passed as deferred and the bulk lane may not have applied yet, as recorded by
     * {@link VectorIndexWriter#commitDeferred}. An index written before the set was recorded knows only the highest
     * ({@link Lane#LIVE_DEFERRED}) and reads as every offset below it: a token then waits as it did there.
     */
    DeferredOffsets deferredOffsets();

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
