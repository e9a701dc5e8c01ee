package dev.freshrag.embed.pipeline;

import dev.freshrag.events.DocumentOps;
import dev.freshrag.index.SourceOffsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The source positions a lane may record while a batch is applied out of its order (slices are cut round-robin by
 * tenant): per partition, the next offset not yet applied is the lowest offset of the batch still pending, so a
 * position never claims a record below it that is not applied yet. Not thread-safe: one lane's writes are serial.
 */
final class LaneProgress {

    /** Per partition: pending source offsets with how many records of the batch carry each. */
    private final Map<Integer, TreeMap<Long, Integer>> pending = new HashMap<>();
    /** Per partition: one past the highest offset applied. */
    private final Map<Integer, Long> appliedUpTo = new HashMap<>();

    LaneProgress(Collection<DocumentOps> batch) {
        for (DocumentOps o : batch) {
            pending.computeIfAbsent(o.sourcePartition(), p -> new TreeMap<>()).merge(o.sourceOffset(), 1, Integer::sum);
        }
    }

    /** The positions once {@code slice} is applied too (nothing changes until {@link #applied}). */
    SourceOffsets positionsAfter(Collection<DocumentOps> slice) {
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
    void applied(Collection<DocumentOps> slice) {
        remove(slice, pending, appliedUpTo);
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
