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

    /** Inserts or replaces points by chunk id. */
    void upsert(List<IndexPoint> points);

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
     * Makes every write so far durable and visible to readers, together with the source positions they
     * came from, merged into the recorded ones ({@link SourceOffsets#mergedWith}): a partition's
     * position never goes backwards, and partitions not given keep theirs.
     */
    void commit(SourceOffsets applied);

    /**
     * Whether this writer failed in a way it cannot repair inside this process (a Lucene writer that hit a fatal
     * error and could not be reopened): only a restart can help, so liveness reports it. A store that is merely
     * unreachable (Qdrant down) is not broken: a restart would not bring it back.
     */
    default boolean isBroken() {
        return false;
    }
}
