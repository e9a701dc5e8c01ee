package dev.freshrag.ingest.pipeline;

import java.util.List;

/**
 * What the ingest-service remembers of a document, in the changelogged state store.
 *
 * @param version        the version guard: the highest version a versioned event brought (0 when only
 *                       versionless events were seen). Versionless events never raise it, so they never
 *                       consume a version the source has yet to send.
 * @param deleted        true while the document is deleted (a tombstone: it holds only the version)
 * @param updatedAt      wall-clock epoch ms of the last change, for the opt-in tombstone retention
 * @param chunks         chunk ids and content hashes of the live content, in document order
 * @param versionDeleted true once a versioned DELETE at {@code version} was applied, so another DELETE at
 *                       that version is a duplicate even after a versionless re-create. Null in states
 *                       written before this field existed; there a DELETE was the last versioned event
 *                       exactly when the document is deleted.
 */
public record DocumentState(long version, boolean deleted, long updatedAt, List<ChunkRef> chunks, Boolean versionDeleted) {

    public DocumentState {
        chunks = chunks == null ? List.of() : List.copyOf(chunks);
        versionDeleted = versionDeleted == null ? deleted : versionDeleted;
    }

    static DocumentState live(long version, boolean versionDeleted, long now, List<ChunkRef> chunks) {
        return new DocumentState(version, false, now, chunks, versionDeleted);
    }

    static DocumentState tombstone(long version, boolean versionDeleted, long now) {
        return new DocumentState(version, true, now, List.of(), versionDeleted);
    }

    public record ChunkRef(String id, String hash) {
    }
}
