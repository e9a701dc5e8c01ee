package dev.freshrag.embed.pipeline;

import dev.freshrag.events.DocumentOps;
import dev.freshrag.index.SourceOffsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The source positions a lane may record while its records are applied out of their order (slices are cut round-robin
 * by tenant, across every batch received and not finished): per partition, the next offset not yet applied is the
 * lowest offset still pending, so a position never claims a record below it that is not applied yet. Records are
 * {@linkplain #add added} in delivery order (per partition in offset order); the state is one entry per partition
 * (the index keeps the larger of two positions, so reporting a finished partition again changes nothing).
 * Synchronized: batches are added by the consumer while the index-writer thread reads and applies.
 */
final class LaneProgress {

    /** Per partition: pending source offsets with how many records of the batch carry each. */
    private final Map<Integer, TreeMap<Long, Integer>> pending = new HashMap<>();
    /** Per partition: one past the highest offset applied. */
    private final Map<Integer, Long> appliedUpTo = new HashMap<>();

    LaneProgress(Collection<DocumentOps> batch) {
        add(batch);
    }

    LaneProgress() {
    }

    /** Records received after those already here. */
    synchronized void add(Collection<DocumentOps> batch) {
        for (DocumentOps o : batch) {
            pending.computeIfAbsent(o.sourcePartition(), p -> new TreeMap<>()).merge(o.sourceOffset(), 1, Integer::sum);
        }
    }

    /** The positions once {@code slice} is applied too (nothing changes until {@link #applied}). */
    synchronized SourceOffsets positionsAfter(Collection<DocumentOps> slice) {
        Map<Integer, TreeMap<Long, Integer>> left = new HashMap<>();
        pending.forEach((p, offsets) -> left.put(p, new TreeMap<>(offsets)));
        Map<Integer, Long> upTo = new HashMap<>(appliedUpTo);
        remove(slice, left, upTo);
        Map<Integer, Long> positions = new TreeMap<>();
        upTo.forEach((p, next) -> {
            TreeMap<Long, Integer> still = left.get(p);
            positions.put(p, still == null || still.isEmpty() ? next : Math.min(next, still.firstKey()));
        });
        return new SourceOffsets(positions);
    }

    /** The slice is durable. */
    synchronized void applied(Collection<DocumentOps> slice) {
        remove(slice, pending, appliedUpTo);
    }

    /**
     * Records of a revoked partition, neither applied nor to be (the partition's new owner applies them): no longer
     * pending, and the position never moves past them: it is held below the lowest of them until records at or
     * above it are applied again (the partition came back and was replayed from its committed offset, which is at
     * most the lowest abandoned one: an abandoned record is never acknowledged).
     */
    synchronized void abandoned(Collection<DocumentOps> records) {
        for (DocumentOps o : records) {
            TreeMap<Long, Integer> offsets = pending.get(o.sourcePartition());
            if (offsets != null) {
                offsets.computeIfPresent(o.sourceOffset(), (k, n) -> n == 1 ? null : n - 1);
            }
            appliedUpTo.computeIfPresent(o.sourcePartition(), (p, next) -> Math.min(next, o.sourceOffset()));
        }
    }

    private static void remove(Collection<DocumentOps> slice, Map<Integer, TreeMap<Long, Integer>> left, Map<Integer, Long> upTo) {
        for (DocumentOps o : slice) {
            TreeMap<Long, Integer> offsets = left.get(o.sourcePartition());
            if (offsets != null) {
                offsets.computeIfPresent(o.sourceOffset(), (k, n) -> n == 1 ? null : n - 1);
            }
            upTo.merge(o.sourcePartition(), o.sourceOffset() + 1, Math::max);
        }
    }
}
