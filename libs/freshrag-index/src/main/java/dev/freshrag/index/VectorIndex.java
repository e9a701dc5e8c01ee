package dev.freshrag.index;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The narrow port every vector store implements: the embedded Lucene index and Qdrant. It knows no
 * Kafka and no HTTP. Writes are idempotent by chunk id. Every read and delete is scoped to one tenant,
 * and the adapter adds the tenant condition itself, so no caller-supplied filter can widen it.
 *
 * <p>Writes become durable and visible at {@link #commit(Map)} (Lucene) or on return (Qdrant, which
 * waits for each write); callers acknowledge their input only after {@code commit} returns.
 */
public interface VectorIndex extends AutoCloseable {

    /** Model id and vector dimension the index was built with; fixed for its lifetime. */
    IndexFingerprint fingerprint();

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
     * came from: partition of {@code kb.doc-changes} to the next offset not yet applied.
     */
    void commit(Map<Integer, Long> appliedSourceOffsets);

    /** Source positions applied so far (partition to next offset), as recorded by {@link #commit(Map)}. */
    Map<Integer, Long> appliedSourceOffsets();

    /** Nearest chunks of one tenant's documents, best first. */
    List<SearchHit> search(SearchQuery query);

    /** The indexed version and chunk count of a document, or empty if it holds no points. */
    Optional<DocumentStatus> document(String tenant, String docId);

    /** Chunk ids of a document's indexed points, for verification and repair. */
    List<String> chunkIds(String tenant, String docId);

    /** Whether the store answers; used by health checks. */
    boolean isHealthy();

    @Override
    void close();
}
