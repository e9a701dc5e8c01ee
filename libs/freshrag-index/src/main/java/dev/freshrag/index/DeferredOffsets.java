package dev.freshrag.index;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Which {@code kb.doc-changes} offsets the live lane passed as deferred (the ingest put those events behind live work,
 * and the bulk lane applies them), per partition, as sorted disjoint ranges. The query-service needs the set, not only
 * the highest: a live write token (p, o) is reflected once the live position of p passed o and, only if o itself was
 * deferred, the bulk position passed o too. So a token of a small live edit never waits for a bulk load or a huge
 * document that happens to sit below it on its partition.
 *
 * <p>Offsets the bulk lane has applied carry no information any more and are dropped ({@link #prunedBelow}); the rest
 * is bounded by {@link #MAX_RANGES} per partition: beyond it the lowest ranges are joined with the gap between them.
 * Joining only ever adds offsets, so a live write in such a gap waits for the bulk lane as well: slower, never wrong.
 *
 * @param byPartition partition (at least 0) to its sorted, disjoint, non-adjacent ranges
 */
public record DeferredOffsets(Map<Integer, List<Range>> byPartition) {

    /** Ranges kept per partition: a live edit between every two deferred events of a long flood stays exact this far. */
    public static final int MAX_RANGES = 256;

    public static final DeferredOffsets NONE = new DeferredOffsets(Map.of());

    /** Offsets {@code first} to {@code last}, both included. */
    public record Range(long first, long last) {
        public Range {
            if (first < 0 || last < first) {
                throw new IllegalArgumentException("bad offset range " + first + "-" + last);
            }
        }

        boolean contains(long offset) {
            return offset >= first && offset <= last;
        }

        @Override
        public String toString() {
            return first == last ? Long.toString(first) : first + "-" + last;
        }
    }

    public DeferredOffsets {
        Objects.requireNonNull(byPartition, "byPartition");
        TreeMap<Integer, List<Range>> sorted = new TreeMap<>();
        byPartition.forEach((partition, ranges) -> {
            if (partition == null || partition < 0) {
                throw new IllegalArgumentException("bad partition " + partition);
            }
            List<Range> normal = normalised(ranges);
            if (!normal.isEmpty()) {
                sorted.put(partition, normal);
            }
        });
        byPartition = Collections.unmodifiableSortedMap(sorted);
    }

    /** One deferred offset. */
    public static DeferredOffsets of(int partition, long offset) {
        return new DeferredOffsets(Map.of(partition, List.of(new Range(offset, offset))));
    }

    /**
     * Every offset below each partition's position: how a record from before the set (only the highest deferred
     * offset, {@link Lane#LIVE_DEFERRED}) reads, as conservative as the rule that used it.
     */
    public static DeferredOffsets allBelow(SourceOffsets highest) {
        TreeMap<Integer, List<Range>> all = new TreeMap<>();
        highest.nextByPartition().forEach((p, next) -> {
            if (next > 0) {
                all.put(p, List.of(new Range(0, next - 1)));
            }
        });
        return new DeferredOffsets(all);
    }

    /** Whether the live lane passed {@code offset} of {@code partition} as deferred (and the bulk lane may not have applied it). */
    public boolean contains(int partition, long offset) {
        for (Range r : byPartition.getOrDefault(partition, List.of())) {
            if (r.contains(offset)) {
                return true;
            }
            if (r.first() > offset) {
                return false;
            }
        }
        return false;
    }

    /** Both sets together. */
    public DeferredOffsets mergedWith(DeferredOffsets other) {
        TreeMap<Integer, List<Range>> merged = new TreeMap<>();
        byPartition.forEach((p, r) -> merged.computeIfAbsent(p, k -> new ArrayList<>()).addAll(r));
        other.byPartition.forEach((p, r) -> merged.computeIfAbsent(p, k -> new ArrayList<>()).addAll(r));
        return new DeferredOffsets(merged);
    }

    /** Without the offsets the bulk lane has applied ({@code bulk}'s position per partition). */
    public DeferredOffsets prunedBelow(SourceOffsets bulk) {
        TreeMap<Integer, List<Range>> kept = new TreeMap<>();
        byPartition.forEach((p, ranges) -> {
            long next = bulk.next(p);
            List<Range> left = new ArrayList<>();
            for (Range r : ranges) {
                if (r.last() >= next) {
                    left.add(new Range(Math.max(r.first(), next), r.last()));
                }
            }
            kept.put(p, left);
        });
        return new DeferredOffsets(kept);
    }

    /** One past the highest offset per partition (the form {@link Lane#LIVE_DEFERRED} records). */
    public SourceOffsets highest() {
        TreeMap<Integer, Long> next = new TreeMap<>();
        byPartition.forEach((p, ranges) -> next.put(p, ranges.get(ranges.size() - 1).last() + 1));
        return new SourceOffsets(next);
    }

    public List<Range> ranges(int partition) {
        return byPartition.getOrDefault(partition, List.of());
    }

    public boolean isEmpty() {
        return byPartition.isEmpty();
    }

    /** A partition's ranges as text, {@code "3-7,9,12-15"}; empty for none. */
    public String encode(int partition) {
        StringBuilder s = new StringBuilder();
        for (Range r : ranges(partition)) {
            s.append(s.isEmpty() ? "" : ",").append(r);
        }
        return s.toString();
    }

    /** The ranges of one partition from {@link #encode}. */
    public static List<Range> decode(String text) {
        List<Range> ranges = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return ranges;
        }
        for (String part : text.split(",")) {
            int dash = part.indexOf('-');
            ranges.add(dash < 0 ? new Range(Long.parseLong(part.trim()), Long.parseLong(part.trim()))
                    : new Range(Long.parseLong(part.substring(0, dash).trim()), Long.parseLong(part.substring(dash + 1).trim())));
        }
        return ranges;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("{");
        byPartition.keySet().forEach(p -> s.append(s.length() > 1 ? ", " : "").append(p).append("=[").append(encode(p)).append(']'));
        return s.append('}').toString();
    }

    /** Sorted, overlapping and adjacent ranges joined, then the lowest joined across their gaps down to {@link #MAX_RANGES}. */
    private static List<Range> normalised(List<Range> ranges) {
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort((a, b) -> Long.compare(a.first(), b.first()));
        List<Range> joined = new ArrayList<>();
        for (Range r : sorted) {
            Range last = joined.isEmpty() ? null : joined.get(joined.size() - 1);
            if (last != null && r.first() <= last.last() + 1) {
                joined.set(joined.size() - 1, new Range(last.first(), Math.max(last.last(), r.last())));
            } else {
                joined.add(r);
            }
        }
        // the lowest are applied by the bulk lane first, so joining them loses exactness for the shortest time
        int excess = joined.size() - MAX_RANGES;
        if (excess > 0) {
            Range head = new Range(joined.get(0).first(), joined.get(excess).last());
            List<Range> capped = new ArrayList<>(MAX_RANGES);
            capped.add(head);
            capped.addAll(joined.subList(excess + 1, joined.size()));
            joined = capped;
        }
        return List.copyOf(joined);
    }
}
