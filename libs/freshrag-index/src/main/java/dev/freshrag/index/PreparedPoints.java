package dev.freshrag.index;

import java.util.List;

/**
 * Points made ready for {@link VectorIndexWriter#upsert(PreparedPoints)} ahead of the write, by
 * {@link VectorIndexWriter#prepare}: what an index can do for them without its writer (Lucene builds their vector
 * graph in a segment of its own). Holds resources until {@link #close}d; closing a prepared write that was never
 * applied is how a caller drops it (the write was superseded, or its partition moved to another replica).
 */
public interface PreparedPoints extends AutoCloseable {

    /** The points, as {@link VectorIndexWriter#upsert(java.util.List)} would take them. */
    List<IndexPoint> points();

    @Override
    default void close() {
    }

    /** Nothing done ahead: {@link VectorIndexWriter#upsert(PreparedPoints)} writes the points as they are. */
    static PreparedPoints of(List<IndexPoint> points) {
        List<IndexPoint> copy = List.copyOf(points);
        return () -> copy;
    }
}
