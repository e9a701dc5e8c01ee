package dev.freshrag.ingest.pipeline;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Limits;
import dev.freshrag.events.Violation;
import dev.freshrag.ingest.chunking.Chunk;
import java.util.List;
import java.util.Optional;

/**
 * The size limit of a {@code kb.chunk-ops} record ({@link Limits#MAX_RECORD_BYTES}). A record over the producer's
 * limit is not a rejected event but an exception that stops the stream thread, again after every restart; so
 * the topology measures each record before it writes it, and the gateway refuses a document whose records could
 * ever exceed it.
 */
public final class ChunkOpsRecord {

    /** One DELETE operation of a previous version's chunk, with the comma that separates it. */
    private static final int DELETE_OP_BYTES =
            EventJson.write(ChunkOp.delete("00000000-0000-0000-0000-000000000000")).length + 1;

    private ChunkOpsRecord() {
    }

    /** The violation when {@code bytes} (a serialized record value) is over the limit. */
    public static Optional<Violation> checkSize(long bytes) {
        if (bytes <= Limits.MAX_RECORD_BYTES) {
            return Optional.empty();
        }
        return Optional.of(new Violation("content", "makes a kb.chunk-ops record of " + bytes
                + " bytes, above the limit of " + Limits.MAX_RECORD_BYTES + " bytes"));
    }

    /**
     * The largest record any version of this document with these chunks can make: every chunk embedded (a first
     * version, or one after a delete), the largest numbers, and a DELETE for each chunk a previous version may
     * have had. The topology's record is never larger, so a document the gateway accepts is never dead-lettered
     * for its size.
     */
    public static long upperBound(DocumentChange event, List<Chunk> chunks) {
        ChunkDiff.Result all = ChunkDiff.diff(event.tenant(), event.docId(), List.of(), chunks);
        DocumentOps ops = new DocumentOps(event.tenant(), event.docId(), Long.MAX_VALUE, DocumentOps.Kind.APPLY,
                event.title(), event.metadata(), all.ops(), chunks.size(), Integer.MAX_VALUE, Long.MAX_VALUE);
        return EventJson.write(ops).length + (long) DELETE_OP_BYTES * Limits.MAX_CHUNKS_PER_DOCUMENT;
    }
}
