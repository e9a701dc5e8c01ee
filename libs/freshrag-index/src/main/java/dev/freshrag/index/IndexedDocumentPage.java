package dev.freshrag.index;

import java.util.List;

/**
 * One page of {@link VectorIndexReader#indexedDocuments}.
 *
 * @param documents the page's documents; fewer than asked for does not mean the end (tombstones are visited, not
 *                  listed)
 * @param next      the cursor of the following page, or null after the last one. Opaque: each adapter pages in its own
 *                  order (Lucene by docId, Qdrant by point id), so only pass it back to the same index.
 */
public record IndexedDocumentPage(List<IndexedDocument> documents, String next) {

    public IndexedDocumentPage {
        documents = List.copyOf(documents);
    }
}
