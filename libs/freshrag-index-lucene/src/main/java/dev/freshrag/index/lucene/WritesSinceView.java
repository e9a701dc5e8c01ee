package dev.freshrag.index.lucene;

import dev.freshrag.index.DocumentMark;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What the writer wrote per document since its near-real-time view was last refreshed, so that the reads a write
 * needs (a document's mark, its chunks' versions) are answered from the view plus this record instead of a refresh.
 * A refresh of the writer's view flushes its buffered documents into a new segment: refreshed before each document's
 * read, a slice of twenty documents made twenty tiny segments, and the flushes, the merges of those segments and every
 * reader's reopen of them were a large part of the embed-service's CPU beside the model. Guarded by the writer's
 * lock; cleared when the view is refreshed (or the writer reopened), as the view then holds all of it.
 */
final class WritesSinceView {

    /** A chunk deleted since the view was refreshed. */
    private static final long DELETED = Long.MIN_VALUE;

    private static final class Document {
        /** The whole document was deleted (its chunks in the view are gone); later writes are in {@link #chunks}. */
        boolean deletedWhole;
        /** Per chunk id, the version written since ({@link #DELETED}: deleted since). */
        final Map<String, Long> chunks = new HashMap<>();
        DocumentMark mark;
    }

    private final Map<String, Document> documents = new HashMap<>();

    private Document of(String tenant, String docId) {
        return documents.computeIfAbsent(LuceneSchema.key(tenant, docId), k -> new Document());
    }

    private Optional<Document> find(String tenant, String docId) {
        return Optional.ofNullable(documents.get(LuceneSchema.key(tenant, docId)));
    }

    void chunkWritten(String tenant, String docId, String chunkId, long version) {
        of(tenant, docId).chunks.put(chunkId, version);
    }

    void chunkDeleted(String tenant, String docId, String chunkId) {
        of(tenant, docId).chunks.put(chunkId, DELETED);
    }

    void documentDeleted(String tenant, String docId) {
        Document d = of(tenant, docId);
        d.deletedWhole = true;
        d.chunks.clear();
    }

    void marked(String tenant, String docId, DocumentMark mark) {
        of(tenant, docId).mark = mark;
    }

    /** The document's mark written since the view was refreshed, if one was. */
    Optional<DocumentMark> mark(String tenant, String docId) {
        return find(tenant, docId).map(d -> d.mark);
    }

    /** Whether the view no longer shows the document's chunks as they are: the whole document was deleted since. */
    boolean deletedWhole(String tenant, String docId) {
        return find(tenant, docId).map(d -> d.deletedWhole).orElse(false);
    }

    /**
     * The chunk's state since the view: empty when untouched since (the view is right about it), else the version
     * written, or {@link Long#MIN_VALUE} when deleted.
     */
    OptionalLong chunk(String tenant, String docId, String chunkId) {
        Long v = find(tenant, docId).map(d -> d.chunks.get(chunkId)).orElse(null);
        return v == null ? OptionalLong.empty() : OptionalLong.of(v);
    }

    static boolean isDeleted(long version) {
        return version == DELETED;
    }

    /** The chunks written (not deleted) since the view, by id and version. */
    Map<String, Long> chunksWritten(String tenant, String docId) {
        Map<String, Long> written = new HashMap<>();
        find(tenant, docId).ifPresent(d -> d.chunks.forEach((id, v) -> {
            if (v != DELETED) {
                written.put(id, v);
            }
        }));
        return written;
    }

    void clear() {
        documents.clear();
    }
}
