package dev.freshrag.events;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The read-your-writes token of bulk writes (the answer of {@code documents:bulk}): per kb.doc-changes partition the
 * highest offset a write of the batch landed at. The index is consistent with it once the bulk lane has applied each
 * partition up to and including that offset. Form: {@code b1.<tenant>.<p>.<o>[.<p>.<o>...]}, partitions ascending.
 */
public record BulkWriteToken(String tenant, Map<Integer, Long> highestOffsets) implements ReadToken {

    /** More pairs than this are no token of ours (partition counts are far smaller). */
    static final int MAX_PARTITIONS = 10_000;
    private static final Pattern FORM = Pattern.compile(
            "b1\\.(" + Limits.TENANT_PATTERN + ")((?:\\.\\d{1,9}\\.\\d{1,18})+)");

    public BulkWriteToken {
        if (highestOffsets == null || highestOffsets.isEmpty()) {
            throw new IllegalArgumentException("a bulk token names at least one partition");
        }
        highestOffsets = Collections.unmodifiableSortedMap(new TreeMap<>(highestOffsets));
    }

    @Override
    public Priority lane() {
        return Priority.BULK;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("b1.").append(tenant);
        highestOffsets.forEach((p, o) -> b.append('.').append(p).append('.').append(o));
        return b.toString();
    }

    public static Optional<BulkWriteToken> parse(String token) {
        if (token == null || token.length() > 64 + 30 * MAX_PARTITIONS) {
            return Optional.empty();
        }
        var m = FORM.matcher(token);
        if (!m.matches()) {
            return Optional.empty();
        }
        String[] parts = m.group(2).substring(1).split("\\.");
        TreeMap<Integer, Long> offsets = new TreeMap<>();
        for (int i = 0; i + 1 < parts.length; i += 2) {
            offsets.merge(Integer.parseInt(parts[i]), Long.parseLong(parts[i + 1]), Math::max);
        }
        return Optional.of(new BulkWriteToken(m.group(1), offsets));
    }
}
