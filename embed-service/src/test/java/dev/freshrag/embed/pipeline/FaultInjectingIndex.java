package dev.freshrag.embed.pipeline;

import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.IndexUnavailableException;
import dev.freshrag.index.SearchHit;
import dev.freshrag.index.SearchQuery;
import dev.freshrag.index.VectorIndex;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real index whose next {@code failures} commits fail as an unreachable store would. It stands in for an
 * outage (Qdrant down, a full disk), which cannot be produced on demand here; everything else is the real
 * index it wraps.
 */
final class FaultInjectingIndex implements VectorIndex {

    private final VectorIndex real;
    private final AtomicInteger failures;
    final AtomicInteger commitAttempts = new AtomicInteger();

    FaultInjectingIndex(VectorIndex real, int failures) {
        this.real = real;
        this.failures = new AtomicInteger(failures);
    }

    @Override
    public void commit(Map<Integer, Long> appliedSourceOffsets) {
        commitAttempts.incrementAndGet();
        if (failures.getAndDecrement() > 0) {
            throw new IndexUnavailableException("injected outage", null);
        }
        real.commit(appliedSourceOffsets);
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

    @Override
    public Map<Integer, Long> appliedSourceOffsets() {
        return real.appliedSourceOffsets();
    }

    @Override
    public List<SearchHit> search(SearchQuery query) {
        return real.search(query);
    }

    @Override
    public Optional<DocumentStatus> document(String tenant, String docId) {
        return real.document(tenant, docId);
    }

    @Override
    public List<String> chunkIds(String tenant, String docId) {
        return real.chunkIds(tenant, docId);
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
