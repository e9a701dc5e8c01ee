package dev.freshrag.query.drift;

/**
 * One document whose index entry does not match its newest accepted change: {@code missing} (live, the index holds
 * nothing), {@code stale-version} (an older version indexed) or {@code not-deleted} (deleted, still indexed); the
 * names {@code ./freshrag verify} prints. {@code indexedVersion} is null when the index holds nothing.
 */
public record DriftFinding(String tenant, String docId, Kind kind, Long expectedVersion, Long indexedVersion) {

    public enum Kind {
        MISSING("missing"), STALE_VERSION("stale-version"), NOT_DELETED("not-deleted");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
