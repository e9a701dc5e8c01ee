package dev.freshrag.index;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Where the index stands in {@code kb.doc-changes}: partition to the next offset not yet applied. The
 * embed-service records them with every commit, so a restart resumes where the index is, and the
 * query-service compares them with write tokens for read-your-writes.
 *
 * <p>Positions only move forward: {@link #mergedWith} keeps the larger offset of each partition, so a
 * replayed or reordered batch can never move a partition back.
 *
 * @param nextByPartition partition (at least 0) to the next offset not yet applied (at least 0); sorted
 */
public record SourceOffsets(Map<Integer, Long> nextByPartition) {

    /** Nothing applied yet. */
    public static final SourceOffsets NONE = new SourceOffsets(Map.of());

    public SourceOffsets {
        Objects.requireNonNull(nextByPartition, "nextByPartition");
        TreeMap<Integer, Long> sorted = new TreeMap<>();
        nextByPartition.forEach((partition, offset) -> {
            if (partition == null || partition < 0 || offset == null || offset < 0) {
                throw new IllegalArgumentException("bad source offset " + partition + " -> " + offset);
            }
            sorted.put(partition, offset);
        });
        nextByPartition = Collections.unmodifiableSortedMap(sorted);
    }

    /** The position right after {@code appliedOffset} of {@code partition}, i.e. that record applied. */
    public static SourceOffsets applied(int partition, long appliedOffset) {
        return NONE.withApplied(partition, appliedOffset);
    }

    /** These positions with the record at {@code appliedOffset} of {@code partition} applied too. */
    public SourceOffsets withApplied(int partition, long appliedOffset) {
        return mergedWith(new SourceOffsets(Map.of(partition, appliedOffset + 1)));
    }

    /** Per partition the further of both positions; partitions only one of them names keep theirs. */
    public SourceOffsets mergedWith(SourceOffsets other) {
        TreeMap<Integer, Long> merged = new TreeMap<>(nextByPartition);
        other.nextByPartition.forEach((partition, offset) -> merged.merge(partition, offset, Math::max));
        return new SourceOffsets(merged);
    }

    /** The next offset of {@code partition} not yet applied; 0 if nothing of it was applied. */
    public long next(int partition) {
        return nextByPartition.getOrDefault(partition, 0L);
    }

    /** Whether the record at {@code offset} of {@code partition} has been applied. */
    public boolean hasApplied(int partition, long offset) {
        return next(partition) > offset;
    }

    /** Whether every position of {@code other} has been reached here. */
    public boolean covers(SourceOffsets other) {
        return other.nextByPartition.entrySet().stream().allMatch(e -> next(e.getKey()) >= e.getValue());
    }

    public boolean isEmpty() {
        return nextByPartition.isEmpty();
    }

    @Override
    public String toString() {
        return nextByPartition.toString();
    }
}
