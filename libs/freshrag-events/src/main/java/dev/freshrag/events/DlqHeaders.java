package dev.freshrag.events;

/**
 * Headers on every {@code kb.dlq} record. The record's key and value are the rejected record's own
 * bytes, unchanged, so nothing is lost and a fixed record can be re-published as is.
 */
public final class DlqHeaders {

    /** Human-readable reason, e.g. {@code content: is required for UPSERT}. */
    public static final String REASON = "freshrag.dlq.reason";
    /** The offending field (JSON path) or {@code $} for the whole record. */
    public static final String FIELD = "freshrag.dlq.field";
    /** Which stage rejected it: {@code ingest} or {@code embed}. */
    public static final String STAGE = "freshrag.dlq.stage";
    public static final String SOURCE_TOPIC = "freshrag.dlq.source.topic";
    public static final String SOURCE_PARTITION = "freshrag.dlq.source.partition";
    public static final String SOURCE_OFFSET = "freshrag.dlq.source.offset";
    /** ISO-8601 time of the rejection. */
    public static final String TIMESTAMP = "freshrag.dlq.timestamp";

    private DlqHeaders() {
    }
}
