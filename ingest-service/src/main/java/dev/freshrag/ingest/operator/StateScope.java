package dev.freshrag.ingest.operator;

import java.util.Locale;
import java.util.Optional;

/**
 * Which document states an operator request covers: {@code all} (the default) asks every ingest-service instance and
 * merges, {@code local} answers from this instance's partitions only; the instances use it among themselves.
 */
public enum StateScope {
    ALL, LOCAL;

    /** The scope named by {@code ?scope=} (absent means {@link #ALL}); empty for any other value. */
    public static Optional<StateScope> parse(String value) {
        if (value == null || value.isBlank()) {
            return Optional.of(ALL);
        }
        try {
            return Optional.of(valueOf(value.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
