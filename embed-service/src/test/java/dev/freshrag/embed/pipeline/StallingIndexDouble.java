package dev.freshrag.embed.pipeline;

import dev.freshrag.index.DocumentMark;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.VectorIndexWriter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real index whose first upsert of one chosen chunk stalls until the test releases it. It stands for an index call
 * that takes arbitrarily long (the Qdrant retry loop through an outage, a network partition, a replica paused by GC),
 * which cannot be produced on demand here. The stall happens after the applier checked the document's mark, so only
 * the index's own version conditions can keep the late write from overwriting newer state. Everything else is the
 * real index it wraps.
 */
final class StallingIndexDouble implements VectorIndexWriter {

    private final VectorIndexWriter real;
    private final String stallOnChunkId;
    private final CountDownLatch stalled;
    private final CountDownLatch release;
    private final AtomicBoolean armed = new AtomicBoolean(true);

    StallingIndexDouble(VectorIndexWriter real, String stallOnChunkId, CountDownLatch stalled, CountDownLatch release) {
        this.real = real;
        this.stallOnChunkId = stallOnChunkId;
        this.stalled = stalled;
        this.release = release;
    }

    @Override
    public void upsert(List<IndexPoint> points) {
        if (points.stream().anyMatch(p -> p.chunkId().equals(stallOnChunkId)) && armed.compareAndSet(true, false)) {
            stalled.countDown();
            try {
                if (!release.await(120, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released the stalled index call");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        real.upsert(points);
    }

    @Override
    public List<String> updatePayload(String tenant, String docId, DocumentPayload payload,
                                      Map<String, Integer> seqByChunkId) {
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
    public void deleteDocument(String tenant, String docId, long version) {
        real.deleteDocument(tenant, docId, version);
    }

    @Override
    public void deletePoints(String tenant, String docId, Collection<String> chunkIds, long version) {
        real.deletePoints(tenant, docId, chunkIds, version);
    }

    @Override
    public void commit(Lane lane, SourceOffsets applied) {
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
    public boolean isBroken() {
        return real.isBroken();
    }

    @Override
    public IndexFingerprint fingerprint() {
        return real.fingerprint();
    }

    @Override
    public SourceOffsets appliedSourceOffsets(Lane lane) {
        return real.appliedSourceOffsets(lane);
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
