package dev.freshrag.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Headers on every {@code kb.dlq} record. The record's key and value are the rejected record's own
 * bytes, unchanged, so nothing is lost and a fixed record can be re-published as is.
 */
public final class DlqHeaders {

    /** Human-readable reason, e.g. {@code content: is required for UPSERT}. */
    public static final String REASON = "freshrag.dlq.reason";
    /** The offending field (JSON path) or {@code $} for the whole record. */
    public static final String FIELD = "freshrag.dlq.field";
    /** Which stage rejected it: {@code ingest}, {@code embed} or {@code source} (a source mapping, e.g. Debezium). */
    public static final String STAGE = "freshrag.dlq.stage";
    public static final String SOURCE_TOPIC = "freshrag.dlq.source.topic";
    public static final String SOURCE_PARTITION = "freshrag.dlq.source.partition";
    public static final String SOURCE_OFFSET = "freshrag.dlq.source.offset";
    /** ISO-8601 time of the rejection. */
    public static final String TIMESTAMP = "freshrag.dlq.timestamp";
    /**
     * On a record re-published from {@code kb.dlq} ({@code ./freshrag dlq replay}): where it was dead-lettered,
     * {@code <dlq-topic>/<partition>/<offset>}, so a replayed record can be told from a new one.
     */
    public static final String REPLAYED_FROM = "freshrag.dlq.replayed-from";
    /** The prefix of every header above: stripped from a record before it is replayed. */
    public static final String PREFIX = "freshrag.dlq.";

    /** The stage that rejected a record ({@link #STAGE}, lower case). */
    public enum Stage {
        INGEST, EMBED,
        /**
         * A source mapping of the ingest-service (a Debezium topic) could not read the record: the record is the
         * source's own, so it is listed but never replayed into kb.doc-changes; fix the mapping or the row instead.
         */
        SOURCE;

        String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private DlqHeaders() {
    }

    /**
     * The headers of a dead letter, UTF-8 encoded, in this order. Both services build them here so the header
     * names and value formats cannot drift; each adds them to the rejected record's own headers. Kept free of
     * Kafka types: this contract module depends on nothing but JSON.
     *
     * @param field the offending field (JSON path), or {@code $} for the whole record
     */
    public static Map<String, byte[]> of(String reason, String field, Stage stage, String sourceTopic, int sourcePartition,
                                         long sourceOffset, Instant rejectedAt) {
        Map<String, byte[]> h = new LinkedHashMap<>();
        h.put(REASON, utf8(reason));
        h.put(FIELD, utf8(field));
        h.put(STAGE, utf8(stage.value()));
        h.put(SOURCE_TOPIC, utf8(sourceTopic));
        h.put(SOURCE_PARTITION, utf8(Integer.toString(sourcePartition)));
        h.put(SOURCE_OFFSET, utf8(Long.toString(sourceOffset)));
        h.put(TIMESTAMP, utf8(rejectedAt.toString()));
        return h;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
