package dev.freshrag.events;

import java.nio.charset.StandardCharsets;

/**
 * Which lane a change travels in. Producers mark bulk work (a corpus load, a folder sync, a re-index, a DLQ replay)
 * with the Kafka header {@value #HEADER}{@code : }{@value #BULK_VALUE} on kb.doc-changes; the ingest-service then
 * writes its chunk operations to {@link Topics#CHUNK_OPS_BULK}, which the embed-service serves only when no live work
 * waits. A record without the header (or with any other value) is live.
 */
public enum Priority {
    LIVE,
    BULK;

    /** The Kafka header that marks a kb.doc-changes record's priority. */
    public static final String HEADER = "freshrag-priority";
    /** The header value that marks bulk work. */
    public static final String BULK_VALUE = "bulk";

    /** The priority a header value says; null (no header) or anything but {@value #BULK_VALUE} is live. */
    public static Priority ofHeader(byte[] value) {
        return value != null && BULK_VALUE.equals(new String(value, StandardCharsets.UTF_8).trim()) ? BULK : LIVE;
    }

    /** The header value that marks bulk work, as bytes. */
    public static byte[] bulkHeaderValue() {
        return BULK_VALUE.getBytes(StandardCharsets.UTF_8);
    }
}
