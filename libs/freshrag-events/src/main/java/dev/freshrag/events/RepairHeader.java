package dev.freshrag.events;

/**
 * The kb.doc-changes header that marks a re-driven record: by {@code ./freshrag verify --repair} (the ingest-service)
 * or by a reindex's backfill (the embed-service). Such a record passes
 * the version guard at the stored version (not below it) and is chunked against an empty previous state, so every
 * chunk of the document is written again. Its value names what started it (for the log); only its presence counts.
 */
public final class RepairHeader {

    public static final String NAME = "freshrag.repair";

    private RepairHeader() {
    }
}
