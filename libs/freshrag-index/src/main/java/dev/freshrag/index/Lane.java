package dev.freshrag.index;

/**
 * The two lanes of work whose source positions the index records separately: each lane is applied in source-offset
 * order per partition, but the lanes overtake each other, so one position per partition could not say what is
 * applied. {@link #LIVE} is what the index recorded before lanes existed.
 */
public enum Lane {
    LIVE,
    BULK
}
