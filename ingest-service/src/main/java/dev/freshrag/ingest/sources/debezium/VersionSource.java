package dev.freshrag.ingest.sources.debezium;

import java.util.Optional;

/** Where a mapped row's document version comes from ({@code freshrag.sources.debezium."<name>".version}). */
public sealed interface VersionSource {

    /** The change's position in the PostgreSQL write-ahead log, {@code source.lsn}: grows across deletes and re-inserts. */
    record Lsn() implements VersionSource {
    }

    /** A column of the row that grows with every change. */
    record Column(String name) implements VersionSource {
    }

    /** No version: every change applies in log order (Debezium keeps one row's changes in order). */
    record None() implements VersionSource {
    }

    /** Parses {@code lsn}, {@code none} or {@code column:<name>}; empty for anything else. */
    static Optional<VersionSource> parse(String value) {
        String v = value == null ? "" : value.trim();
        if (v.equals("lsn")) {
            return Optional.of(new Lsn());
        }
        if (v.equals("none")) {
            return Optional.of(new None());
        }
        if (v.startsWith("column:") && v.length() > "column:".length()) {
            return Optional.of(new Column(v.substring("column:".length()).trim()));
        }
        return Optional.empty();
    }
}
