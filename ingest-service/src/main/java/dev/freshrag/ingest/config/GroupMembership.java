package dev.freshrag.ingest.config;

import java.util.Locale;
import java.util.Optional;

/** How the Kafka Streams client is a member of its consumer group; see {@link IngestConfig.StreamsGroup#membership()}. */
public enum GroupMembership {
    /** A stable {@code group.instance.id}: a restart takes its partitions back without a rebalance. */
    STATIC,
    /** No instance id; the client leaves the group on close, so the others take over without a session timeout. */
    DYNAMIC;

    /**
     * Reads a raw configuration value the way SmallRye reads enums (case-insensitively), for the code that runs
     * before the typed mapping exists; empty when unset or not a value (the mapping then stops the start).
     */
    static Optional<GroupMembership> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(value.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
