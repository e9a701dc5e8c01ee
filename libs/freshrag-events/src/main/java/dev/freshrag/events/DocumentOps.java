package dev.freshrag.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * One record on {@code kb.chunk-ops}: the index changes that one document-change event needs, keyed
 * by {@code tenant/docId}. The ingest-service computes it against the document's previous version, so
 * applying the records of a partition in offset order yields exactly the newest version's chunks.
 * Every operation is idempotent (upsert by id, delete by id), so replaying a suffix is harmless.
 *
 * @param tenant          owner
 * @param docId           document id
 * @param version         the document version these operations produce
 * @param kind            {@link Kind#APPLY} chunk operations, {@link Kind#DELETE_DOCUMENT}, or
 *                        {@link Kind#SKIP} (a stale event: nothing to do but to mark its source offset applied), or
 *                        {@link Kind#DEFERRED} (on kb.chunk-ops only: the event was put behind live work, see there)
 * @param title           document title, stored with each chunk
 * @param metadata        document metadata, stored with each chunk and filterable
 * @param ops             chunk operations, for APPLY
 * @param chunkCount      how many chunks the version has in all
 * @param sourcePartition partition of the {@code kb.doc-changes} record this came from
 * @param sourceOffset    offset of that record; read-your-writes tokens wait for it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DocumentOps(
        String tenant,
        String docId,
        long version,
        Kind kind,
        String title,
        Map<String, String> metadata,
        List<ChunkOp> ops,
        int chunkCount,
        int sourcePartition,
        long sourceOffset) {

    public DocumentOps {
        metadata = metadata == null ? Map.of() : metadata;
        ops = ops == null ? List.of() : ops;
    }

    public enum Kind {
        APPLY,
        DELETE_DOCUMENT,
        SKIP,
        /**
         * A position-only marker in the live lane (kb.chunk-ops) for an unmarked event the ingest deferred behind live
         * work: its operations come later in the bulk lane (kb.chunk-ops.bulk), in kb.doc-changes order there. The
         * live lane passes the offset without applying anything, and records that it passed a deferred offset, so a
         * live read-your-writes token at or above it also waits for the bulk lane. Version and content are not known
         * when it is made (the event is not parsed), so version is 0.
         */
        DEFERRED;

        /** Whether records of this kind change nothing in the index, only mark their source offset passed. */
        public boolean positionOnly() {
            return this == SKIP || this == DEFERRED;
        }
    }

    public DocumentKey key() {
        return new DocumentKey(tenant, docId);
    }
}
