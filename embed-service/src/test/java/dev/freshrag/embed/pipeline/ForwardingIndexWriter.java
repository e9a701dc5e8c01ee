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

/**
 * Every call to the real index it wraps, the versioned deletes and {@code isBroken} included (the interface's defaults
 * would drop the version, and with it a shared store's own condition). The fault-injecting test wrappers extend it and
 * override only the call they disturb.
 */
abstract class ForwardingIndexWriter implements VectorIndexWriter {

    protected final VectorIndexWriter real;

    protected ForwardingIndexWriter(VectorIndexWriter real) {
        this.real = real;
    }

    @Override
    public void upsert(List<IndexPoint> points) {
        real.upsert(points);
    }

    @Override
    public dev.freshrag.index.PreparedPoints prepare(List<IndexPoint> points) {
        return real.prepare(points);
    }

    @Override
    public int prepareFrom() {
        return real.prepareFrom();
    }

    @Override
    public void upsert(dev.freshrag.index.PreparedPoints prepared) {
        real.upsert(prepared);
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
    public void commitDeferred(dev.freshrag.index.DeferredOffsets passed) {
        real.commitDeferred(passed);
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
    public dev.freshrag.index.DeferredOffsets deferredOffsets() {
        return real.deferredOffsets();
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
