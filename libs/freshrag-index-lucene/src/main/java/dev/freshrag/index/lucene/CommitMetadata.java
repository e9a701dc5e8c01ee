package dev.freshrag.index.lucene;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SourceOffsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a FreshRAG commit records in Lucene's commit user data: the {@link IndexFingerprint}, FreshRAG's own
 * commit counter (Lucene's generation skips after an interrupted commit, so it cannot count commits) and the
 * applied source offsets of the live lane as {@code src.<partition>} entries (the form from before lanes, so an older
 * index reads as all live), those of the bulk lane as {@code bulk.<partition>} and the live lane's passed deferred
 * offsets ({@link Lane#LIVE_DEFERRED}) as {@code deferred.<partition>} (absent in older indexes: none). The writer writes it with every commit; readers
 * parse it from every commit they open.
 */
record CommitMetadata(IndexFingerprint fingerprint, long counter, SourceOffsets offsets, SourceOffsets bulkOffsets,
                      SourceOffsets deferredOffsets) {

    static final String UD_MODEL = "freshrag.model";
    static final String UD_DIMENSION = "freshrag.dimension";
    static final String UD_COMMIT = "freshrag.commit";
    static final String UD_SOURCE_PREFIX = "src.";
    static final String UD_BULK_SOURCE_PREFIX = "bulk.";
    static final String UD_DEFERRED_SOURCE_PREFIX = "deferred.";

    /** The commit that creates an index: counter 0, nothing applied. */
    static CommitMetadata creating(IndexFingerprint fingerprint) {
        return new CommitMetadata(fingerprint, 0, SourceOffsets.NONE, SourceOffsets.NONE, SourceOffsets.NONE);
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
        userData.forEach((key, value) -> {
            if (key.startsWith(UD_SOURCE_PREFIX)) {
                offsets.put(Integer.parseInt(key.substring(UD_SOURCE_PREFIX.length())), Long.parseLong(value));
            } else if (key.startsWith(UD_BULK_SOURCE_PREFIX)) {
                bulk.put(Integer.parseInt(key.substring(UD_BULK_SOURCE_PREFIX.length())), Long.parseLong(value));
            } else if (key.startsWith(UD_DEFERRED_SOURCE_PREFIX)) {
                deferred.put(Integer.parseInt(key.substring(UD_DEFERRED_SOURCE_PREFIX.length())), Long.parseLong(value));
            }
        });
        return new CommitMetadata(new IndexFingerprint(model, Integer.parseInt(dimension)),
                Long.parseLong(userData.getOrDefault(UD_COMMIT, "0")), new SourceOffsets(offsets), new SourceOffsets(bulk),
                new SourceOffsets(deferred));
    }

    /** The commit after this one, with {@code applied} merged into the recorded offsets of {@code lane}. */
    CommitMetadata next(Lane lane, SourceOffsets applied) {
        return switch (lane) {
            case LIVE -> new CommitMetadata(fingerprint, counter + 1, offsets.mergedWith(applied), bulkOffsets, deferredOffsets);
            case BULK -> new CommitMetadata(fingerprint, counter + 1, offsets, bulkOffsets.mergedWith(applied), deferredOffsets);
            case LIVE_DEFERRED -> new CommitMetadata(fingerprint, counter + 1, offsets, bulkOffsets, deferredOffsets.mergedWith(applied));
        };
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
        deferredOffsets.nextByPartition().forEach((partition, offset) ->
                userData.put(UD_DEFERRED_SOURCE_PREFIX + partition, Long.toString(offset)));
        return userData;
    }
}
