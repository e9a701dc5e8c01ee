package dev.freshrag.query.drift;

import dev.freshrag.index.DocumentStatus;
import java.util.Optional;

/**
 * Whether the index matches one document's newest accepted change. Only what the query-service can see is compared
 * (version and presence; chunk ids need the ingest's state, {@code ./freshrag verify} compares those). An index entry
 * written after the check began, or at a higher version, reflects a change newer than the one read from the log:
 * not drift.
 */
public final class DriftComparison {

    private DriftComparison() {
    }

    /**
     * @param change   the newest accepted change of the document in the window
     * @param indexed  what the index holds of it (empty: nothing)
     * @param checkStartedAt epoch ms when the log was read; index writes after it may come from later changes
     */
    public static Optional<DriftFinding> compare(LoggedChange change, Optional<DocumentStatus> indexed, long checkStartedAt) {
        if (indexed.isPresent() && indexed.get().indexedAt() > checkStartedAt) {
            return Optional.empty();
        }
        Long indexedVersion = indexed.map(DocumentStatus::version).orElse(null);
        if (change.deleted()) {
            // a versionless DELETE removes whatever version is there; a versioned one removes it up to its version
            boolean stillThere = indexed.isPresent() && (change.version() == null || indexedVersion <= change.version());
            return stillThere ? finding(change, DriftFinding.Kind.NOT_DELETED, indexedVersion) : Optional.empty();
        }
        if (indexed.isEmpty()) {
            return finding(change, DriftFinding.Kind.MISSING, null);
        }
        // a versionless UPSERT is indexed at the version the document had: only its presence can be checked
        if (change.version() != null && indexedVersion < change.version()) {
            return finding(change, DriftFinding.Kind.STALE_VERSION, indexedVersion);
        }
        return Optional.empty();
    }

    private static Optional<DriftFinding> finding(LoggedChange c, DriftFinding.Kind kind, Long indexedVersion) {
        return Optional.of(new DriftFinding(c.tenant(), c.docId(), kind, c.version(), indexedVersion));
    }
}
