package dev.freshrag.embed.pipeline;

import dev.freshrag.index.DocumentMark;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.Lane;
import java.util.Optional;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.VectorIndexWriter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real index whose next {@code failures} commits fail as an unreachable store would. It stands in for an
 * outage (Qdrant down, a full disk), which cannot be produced on demand here; everything else is the real
 * index it wraps.
 */
final class FaultInjectingIndex implements VectorIndexWriter {

    private final VectorIndexWriter real;
    private final AtomicInteger failures;
    final AtomicInteger commitAttempts = new AtomicInteger();

    FaultInjectingIndex(VectorIndexWriter real, int failures) {
        this.real = real;
        this.failures = new AtomicInteger(failures);
    }

    @Override
    public void commit(Lane lane, SourceOffsets applied) {
        commitAttempts.incrementAndGet();
        if (failures.getAndDecrement() > 0) {
            throw new IndexUnavailableException("injected outage", null);
        }
        real.commit(lane, applied);
    }

    @Override
    public Optional<DocumentMark> documentMark(String tenant, String docId) {
        return real.documentMark(tenant, docId);
    }

    @Override
    public void markDocument(String tenant, String docId, DocumentMark mark) {
        real.markDocument(tenant, docId, mark);
    }

    @Override
    public IndexFingerprint fingerprint() {
        return real.fingerprint();
    }

    @Override
    public void upsert(List<IndexPoint> points) {
        real.upsert(points);
    }

    @Override
    public List<String> updatePayload(String tenant, String docId, DocumentPayload payload, Map<String, Integer> seqByChunkId) {
        return real.updatePayload(tenant, docId, payload, seqByChunkId);
    }

    @Override
    public void deleteDocument(String tenant, String docId) {
        real.deleteDocument(tenant, docId);
    }

    @Override
    public void deletePoints(String tenant, String docId, Collection<String> chunkIds) {
        real.deletePoints(tenant, docId, chunkIds);
    }

    // the versioned deletes too: the interface's defaults drop the version, which would take the store's own
    // version condition away from every test that wraps a Qdrant index in this class
    @Override
    public void deleteDocument(String tenant, String docId, long version) {
        real.deleteDocument(tenant, docId, version);
    }

    @Override
    public void deletePoints(String tenant, String docId, Collection<String> chunkIds, long version) {
        real.deletePoints(tenant, docId, chunkIds, version);
    }

    @Override
    public SourceOffsets appliedSourceOffsets(Lane lane) {
        return real.appliedSourceOffsets(lane);
    }

    @Override
    public boolean isBroken() {
        return real.isBroken();
    }

    @Override
    public boolean isHealthy() {
        return real.isHealthy();
    }

    @Override
    public void close() {
        real.close();
    }
}
