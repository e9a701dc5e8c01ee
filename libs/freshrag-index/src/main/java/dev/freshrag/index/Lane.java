package dev.freshrag.index;

/**
 * The two lanes of work whose source positions the index records separately: each lane is applied in source-offset
 * order per partition, but the lanes overtake each other, so one position per partition could not say what is
 * applied. {@link #LIVE} is what the index recorded before lanes existed.
 */
public enum Lane {
    LIVE,
    BULK,
    /**
     * Not a lane of work but a position the live lane records beside its own: per partition, one past the highest
     * kb.doc-changes offset the live lane passed as deferred (a marker: the ingest put that event behind live work, and
     * the bulk lane applies it). Readers use the set of such offsets ({@link DeferredOffsets}, recorded with it);
     * this highest one stays for indexes written before the set existed, which read as "every offset below it was
     * deferred". Absent means nothing was deferred.
     */
    LIVE_DEFERRED;

    /** The lanes work travels in ({@link #LIVE_DEFERRED} is not one). */
    public static final java.util.List<Lane> OF_WORK = java.util.List.of(LIVE, BULK);
}
