package dev.freshrag.index.lucene;

import dev.freshrag.index.DeferredOffsets;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SourceOffsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a FreshRAG commit records in Lucene's commit user data: the {@link IndexFingerprint}, FreshRAG's own
 * commit counter (Lucene's generation skips after an interrupted commit, so it cannot count commits) and the
 * applied source offsets of the live lane as {@code src.<partition>} entries (the form from before lanes, so an older
 * index reads as all live), those of the bulk lane as {@code bulk.<partition>} and the live lane's passed deferred
 * offsets ({@link Lane#LIVE_DEFERRED}) as {@code deferred.<partition>} (absent in older indexes: none), and the set of
 * those the bulk lane has not applied yet ({@link DeferredOffsets}) as {@code deferredRanges.<partition>} (absent in
 * older indexes: read as every offset below {@code deferred.<partition>}). The writer writes it with every commit;
 * readers parse it from every commit they open.
 */
record CommitMetadata(IndexFingerprint fingerprint, long counter, SourceOffsets offsets, SourceOffsets bulkOffsets,
                      SourceOffsets deferredOffsets, DeferredOffsets pendingDeferred) {

    static final String UD_MODEL = "freshrag.model";
    static final String UD_DIMENSION = "freshrag.dimension";
    static final String UD_COMMIT = "freshrag.commit";
    static final String UD_SOURCE_PREFIX = "src.";
    static final String UD_BULK_SOURCE_PREFIX = "bulk.";
    static final String UD_DEFERRED_SOURCE_PREFIX = "deferred.";
    static final String UD_DEFERRED_RANGES_PREFIX = "deferredRanges.";

    /** The commit that creates an index: counter 0, nothing applied. */
    static CommitMetadata creating(IndexFingerprint fingerprint) {
        return new CommitMetadata(fingerprint, 0, SourceOffsets.NONE, SourceOffsets.NONE, SourceOffsets.NONE,
                DeferredOffsets.NONE);
    }

    /**
     * @throws IndexMismatchException the commit carries no fingerprint: the index was not written by FreshRAG
     */
    static CommitMetadata parse(Map<String, String> userData, Path path) {
        String model = userData.get(UD_MODEL);
        String dimension = userData.get(UD_DIMENSION);
        if (model == null || dimension == null) {
            throw new IndexMismatchException("the Lucene index at " + path
                    + " has no FreshRAG fingerprint in its commit data; it was not written by FreshRAG");
        }
        TreeMap<Integer, Long> offsets = new TreeMap<>();
        TreeMap<Integer, Long> bulk = new TreeMap<>();
        TreeMap<Integer, Long> deferred = new TreeMap<>();
        TreeMap<Integer, List<DeferredOffsets.Range>> ranges = new TreeMap<>();
        userData.forEach((key, value) -> {
            if (key.startsWith(UD_SOURCE_PREFIX)) {
                offsets.put(Integer.parseInt(key.substring(UD_SOURCE_PREFIX.length())), Long.parseLong(value));
            } else if (key.startsWith(UD_BULK_SOURCE_PREFIX)) {
                bulk.put(Integer.parseInt(key.substring(UD_BULK_SOURCE_PREFIX.length())), Long.parseLong(value));
            } else if (key.startsWith(UD_DEFERRED_RANGES_PREFIX)) {
                ranges.put(Integer.parseInt(key.substring(UD_DEFERRED_RANGES_PREFIX.length())), DeferredOffsets.decode(value));
            } else if (key.startsWith(UD_DEFERRED_SOURCE_PREFIX)) {
                deferred.put(Integer.parseInt(key.substring(UD_DEFERRED_SOURCE_PREFIX.length())), Long.parseLong(value));
            }
        });
        // a partition with only the highest deferred offset was written before the set: everything below it may be
        TreeMap<Integer, Long> older = new TreeMap<>(deferred);
        older.keySet().removeAll(ranges.keySet());
        DeferredOffsets pending = new DeferredOffsets(ranges).mergedWith(DeferredOffsets.allBelow(new SourceOffsets(older)));
        SourceOffsets bulkOffsets = new SourceOffsets(bulk);
        return new CommitMetadata(new IndexFingerprint(model, Integer.parseInt(dimension)),
                Long.parseLong(userData.getOrDefault(UD_COMMIT, "0")), new SourceOffsets(offsets), bulkOffsets,
                new SourceOffsets(deferred), pending.prunedBelow(bulkOffsets));
    }

    /** The commit after this one, with {@code applied} merged into the recorded offsets of {@code lane}. */
    CommitMetadata next(Lane lane, SourceOffsets applied) {
        return switch (lane) {
            case LIVE -> new CommitMetadata(fingerprint, counter + 1, offsets.mergedWith(applied), bulkOffsets, deferredOffsets,
                    pendingDeferred);
            case BULK -> {
                SourceOffsets bulk = bulkOffsets.mergedWith(applied);
                yield new CommitMetadata(fingerprint, counter + 1, offsets, bulk, deferredOffsets, pendingDeferred.prunedBelow(bulk));
            }
            // only the highest given, as before the set: every offset below it counts as deferred
            case LIVE_DEFERRED -> withDeferred(DeferredOffsets.allBelow(applied));
        };
    }

    /** The commit after this one, with {@code passed} added to the deferred set (and its highest offsets recorded). */
    CommitMetadata withDeferred(DeferredOffsets passed) {
        return new CommitMetadata(fingerprint, counter + 1, offsets, bulkOffsets, deferredOffsets.mergedWith(passed.highest()),
                pendingDeferred.mergedWith(passed).prunedBelow(bulkOffsets));
    }


    SourceOffsets offsets(Lane lane) {
        return switch (lane) {
            case LIVE -> offsets;
            case BULK -> bulkOffsets;
            case LIVE_DEFERRED -> deferredOffsets;
        };
    }

    void requireFingerprint(IndexFingerprint expected, Path path) {
        try {
            fingerprint.requireSame(expected);
        } catch (IndexMismatchException e) {
            throw new IndexMismatchException("Lucene index at " + path + ": " + e.getMessage());
        }
    }

    Map<String, String> toUserData() {
        Map<String, String> userData = new TreeMap<>();
        userData.put(UD_MODEL, fingerprint.modelId());
        userData.put(UD_DIMENSION, Integer.toString(fingerprint.dimension()));
        userData.put(UD_COMMIT, Long.toString(counter));
        offsets.nextByPartition().forEach((partition, offset) ->
                userData.put(UD_SOURCE_PREFIX + partition, Long.toString(offset)));
        bulkOffsets.nextByPartition().forEach((partition, offset) ->
                userData.put(UD_BULK_SOURCE_PREFIX + partition, Long.toString(offset)));
        deferredOffsets.nextByPartition().forEach((partition, offset) -> {
            userData.put(UD_DEFERRED_SOURCE_PREFIX + partition, Long.toString(offset));
            // written even when empty: the partition's set is known (none pending), not an index from before the set
            userData.put(UD_DEFERRED_RANGES_PREFIX + partition, pendingDeferred.encode(partition));
        });
        return userData;
    }
}
