package dev.freshrag.embed.reindex;

import java.util.List;
import java.util.Map;

/**
 * What {@code GET /v1/operator/reindex} answers and {@code ./freshrag reindex status} prints.
 *
 * @param active          the generation queries search (per the plan)
 * @param building        the generation a reindex fills, or null
 * @param previous        the generation active before the last switch, kept for a rollback, or null
 * @param backfill        the building generation's backfill, or null
 * @param lag             per lane ({@code live}, {@code bulk}) and kb.doc-changes partition, how many offsets the
 *                        building generation's position is behind the active one's (only partitions behind are listed)
 * @param caughtUp        whether {@code switch} would switch now
 * @param behind          why not, in words (null when caught up or nothing builds)
 */
public record ReindexStatus(GenerationInfo active, GenerationInfo building, GenerationInfo previous, Backfill backfill,
                            Map<String, Map<Integer, Long>> lag, boolean caughtUp, String behind) {

    /** One generation: {@code g<N>}, its model and chunking, its state. */
    public record GenerationInfo(String generation, String model, int chunkMaxTokens, String state, String createdAt) {
    }

    /**
     * A backfill's progress.
     *
     * @param documents        documents to re-drive (0 until kb.doc-log was scanned)
     * @param redriven         documents re-driven to kb.doc-changes so far
     * @param documentsApplied documents the building generation holds: its document marks, counted in the index (a
     *                         deleted document's tombstone included), so the figure survives a restart and is the same
     *                         whichever replica answers; a document a live edit reached first counts too
     * @param chunksApplied    chunks the re-driven records wrote to the building generation, counted by this process
     *                         since it opened the generation (after a restart it starts again from 0)
     * @param perSecond        documents applied per second since the backfill started in this process
     * @param etaSeconds       documents left / rate, or null while no rate is known
     * @param redriveDone      every document re-driven
     * @param done             every re-driven document applied (the building generation's bulk lane passed the last one)
     */
    public record Backfill(long documents, long redriven, long documentsApplied, long chunksApplied, double perSecond,
                           Long etaSeconds, boolean redriveDone, boolean done) {
    }

    static final List<String> LANES = List.of("live", "bulk");
}
