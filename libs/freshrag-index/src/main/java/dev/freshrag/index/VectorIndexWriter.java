package dev.freshrag.index;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The writing side of a vector store: what the embed-service needs. Writes are idempotent by chunk id,
 * and every delete and payload update is scoped to one tenant by the adapter itself.
 *
 * <p>Writes become durable and visible at {@link #commit} (Lucene) or on return (Qdrant, which waits for
 * each write); callers acknowledge their input only after {@code commit} returns.
 */
public interface VectorIndexWriter extends VectorIndexHandle {

    /**
     * Inserts or replaces points by chunk id. A store several writers share replaces a stored point only when the stored
     * one is labelled at or below the new point's version, so an older change applied late cannot overwrite a newer one.
     */
    void upsert(List<IndexPoint> points);

    /**
     * Does what it can of {@link #upsert(List)} for these points ahead of time, on the caller's thread and without
     * holding this writer, so that a large write (a document of thousands of chunks) does not hold every other write
     * of the index behind it: Lucene builds their HNSW graph, most of such a write's cost, in a segment of its own,
     * which {@link #upsert(PreparedPoints)} then adds whole. Validates the points as {@code upsert} would. Safe from
     * any thread. The default does nothing ahead (a store that builds its graph itself, like Qdrant).
     */
    default PreparedPoints prepare(List<IndexPoint> points) {
        return PreparedPoints.of(points);
    }

    /** From how many points {@link #prepare} does any work ahead: a caller need not prepare smaller writes. */
    default int prepareFrom() {
        return Integer.MAX_VALUE;
    }

    /**
     * {@link #upsert(List)} of prepared points: the same effect (points replaced by chunk id, an older one never over
     * a newer one where the store is shared), and as idempotent, so a retried write may apply them again. Does not
     * close {@code prepared}.
     */
    default void upsert(PreparedPoints prepared) {
        upsert(prepared.points());
    }

    /**
     * Changes what is stored beside unchanged vectors: document version, title, metadata and each
     * chunk's position. Chunks that are not present are skipped and returned so callers can count them.
     */
    List<String> updatePayload(String tenant, String docId, DocumentPayload payload, Map<String, Integer> seqByChunkId);

    /** Deletes every point of a document. */
    void deleteDocument(String tenant, String docId);

    /** Deletes points of a document by chunk id. */
    void deletePoints(String tenant, String docId, Collection<String> chunkIds);

    /**
     * {@link #deleteDocument(String, String)} fenced by version: only points labelled at or below {@code version} go,
     * so a writer applying an old change late can never delete what a newer change wrote. A store several writers
     * share (Qdrant with several embed-service replicas) must apply the condition in the store itself. The default
     * ignores it, which is right only for a store with exactly one writer (Lucene's write lock), where the caller's
     * check of the {@link #documentMark} already skips every older change.
     */
    default void deleteDocument(String tenant, String docId, long version) {
        deleteDocument(tenant, docId);
    }

    /** {@link #deletePoints(String, String, Collection)} fenced by version, as {@link #deleteDocument(String, String, long)}. */
    default void deletePoints(String tenant, String docId, Collection<String> chunkIds, long version) {
        deletePoints(tenant, docId, chunkIds);
    }

    /** {@link #commit(Lane, SourceOffsets)} of the live lane. */
    default void commit(SourceOffsets applied) {
        commit(Lane.LIVE, applied);
    }

    /**
     * Makes every write so far durable and visible to readers, together with the source positions of {@code lane}
     * they came from, merged into that lane's recorded ones ({@link SourceOffsets#mergedWith}): a partition's
     * position never goes backwards, and partitions (and the other lane) not given keep theirs.
     */
    void commit(Lane lane, SourceOffsets applied);

    /**
     * Records, durably and visible to readers, that the live lane passed {@code passed} as deferred: merged into the
     * recorded set, without what the bulk lane has already applied (its recorded position), and with the highest per
     * partition as {@link Lane#LIVE_DEFERRED} (what older readers use). Call it before the {@link #commit} of the live
     * position that passes these offsets, so a reader that sees that position also sees that they were deferred.
     */
    void commitDeferred(DeferredOffsets passed);

    /**
     * How many documents this index holds a mark of (see {@link DocumentMark}; a deleted document's tombstone counts:
     * its deletion was applied), as durable as the marks themselves and the same for every writer of the index. A
     * reindex reports its progress with it, so that a restart or a second replica does not start the count again.
     * Empty where the store cannot count them.
     */
    default java.util.OptionalLong documentCount() {
        return java.util.OptionalLong.empty();
    }

    /** The document's mark (see {@link DocumentMark}), reading this writer's own uncommitted writes; empty if none. */
    java.util.Optional<DocumentMark> documentMark(String tenant, String docId);

    /**
     * Records the document's mark (durable with the next {@link #commit}) and, unless it is a tombstone, deletes the
     * document's points labelled with a version below {@code mark.version()}: after applying a version, no chunk of an
     * older one stays, even when the change was computed against a version this index never received (it was
     * skipped as superseded, or is still queued in the other lane). A store several writers share records the mark only
     * if the stored one does not supersede it, and then sweeps below the version of whichever mark is stored, so the
     * chunks an older change wrote after a newer one was applied go again.
     */
    void markDocument(String tenant, String docId, DocumentMark mark);

    /**
     * Whether this writer failed in a way it cannot repair inside this process (a Lucene writer that hit a fatal
     * error and could not be reopened): only a restart can help, so liveness reports it. A store that is merely
     * unreachable (Qdrant down) is not broken: a restart would not bring it back.
     */
    default boolean isBroken() {
        return false;
    }
}
