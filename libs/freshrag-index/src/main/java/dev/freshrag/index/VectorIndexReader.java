package dev.freshrag.index;

import java.util.List;
import java.util.Optional;

/**
 * The reading side of a vector store (the embedded Lucene index or Qdrant): what the query-service
 * needs. Every read is scoped to one tenant, and the adapter adds the tenant condition itself, so no
 * caller-supplied filter can widen it. Reads see what the writer has committed.
 */
public interface VectorIndexReader extends VectorIndexHandle {

    /** Nearest chunks of one tenant's documents, best first. */
    List<SearchHit> search(SearchQuery query);

    /**
     * The tenant's chunks that contain terms of the query text, best BM25 score first ({@link LexicalAnalysis});
     * each hit's score is that BM25 score, not a cosine. Text of stop words only finds nothing.
     */
    List<SearchHit> searchLexical(LexicalQuery query);

    /** The indexed version and chunk count of a document, or empty if it holds no points. */
    Optional<DocumentStatus> document(String tenant, String docId);

    /** Chunk ids of a document's indexed points, for verification and repair. */
    List<String> chunkIds(String tenant, String docId);

    /**
     * The tenant's documents whose docId starts with {@code docIdPrefix} (empty: all), in docId order, at most
     * {@code limit} of them, each with its indexed version, chunk count and last write time. For browsing (the
     * console), not for the query path: an adapter may visit every chunk of the tenant to answer it.
     */
    List<DocumentStatus> documents(String tenant, String docIdPrefix, int limit);

    /**
     * One page of the tenant's documents the index holds, read from their marks ({@link DocumentMark}; documents
     * whose newest applied change deleted them are left out), without chunk text: what {@code ./freshrag verify}
     * compares with the pipeline's state to find orphan documents. Pages follow the adapter's own order; a document
     * written meanwhile may be missed or listed twice, so callers compare, never count.
     *
     * @param cursor null (or empty) for the first page, else a previous page's {@link IndexedDocumentPage#next()}
     * @param limit  how many marks a page visits, at least 1
     */
    IndexedDocumentPage indexedDocuments(String tenant, String cursor, int limit);

    /**
     * A document's chunks as indexed, in position ({@code seq}) order, with their stored text, title, version and
     * metadata. There is no query, so every {@link SearchHit#score()} is 0.
     */
    List<SearchHit> chunks(String tenant, String docId);
}
