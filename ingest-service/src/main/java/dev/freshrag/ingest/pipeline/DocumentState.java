package dev.freshrag.ingest.pipeline;

import java.util.List;

/**
 * What the ingest-service remembers of a document, in the changelogged state store.
 *
 * @param version   last applied version (for a deleted document: the DELETE's version, a tombstone)
 * @param deleted   true while the document is deleted
 * @param updatedAt wall-clock epoch ms of the last change, for tombstone expiry
 * @param chunks    chunk ids and content hashes of that version, in document order
 */
public record DocumentState(long version, boolean deleted, long updatedAt, List<ChunkRef> chunks) {

    public DocumentState {
        chunks = chunks == null ? List.of() : List.copyOf(chunks);
    }

    public record ChunkRef(String id, String hash) {
    }
}
