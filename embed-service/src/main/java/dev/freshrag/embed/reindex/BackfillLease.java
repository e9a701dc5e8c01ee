package dev.freshrag.embed.reindex;

/**
 * Whether this replica runs the building generation's backfill. On Qdrant 1-6 replicas share the index and each
 * resumed the backfill after they restarted together, so every document was re-driven, chunked and embedded once per
 * replica; the lease makes it one. See {@link ChunkOpsPartitionLease}.
 */
public interface BackfillLease {

    /** Whether this replica holds the lease now. */
    boolean held();

    /**
     * Calls {@code listener} after each change of what this replica holds (it may be called when nothing changed for
     * the lease). It runs on the consumer's polling thread: it must not block.
     */
    void onChange(Runnable listener);

    /** Where the lease is, for the status of a replica that does not hold it. */
    String holder();
}
