package dev.freshrag.ingest.sources.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;

/**
 * One Debezium change event as Kafka Connect's JsonConverter writes it, with ({@code schemas.enable=true}: the
 * envelope under {@code payload}, beside its {@code schema}) or without schemas (the envelope itself). The field
 * names and operation codes are Debezium's envelope contract ({@code io.debezium.data.Envelope}); they are
 * spelled here rather than taken from Debezium's jars, which would bring a connector runtime into the ingest-service
 * for seven constants.
 *
 * @param op     {@code c} create, {@code u} update, {@code d} delete, {@code r} snapshot read, or another code
 *               Debezium may send ({@code t} truncate, {@code m} message); null for a tombstone
 * @param before the row before the change (deletes and, with {@code REPLICA IDENTITY FULL}, updates), or null
 * @param after  the row after the change (creates, updates, reads), or null
 * @param source Debezium's {@code source} block (position, time, table), or null
 */
record DebeziumEnvelope(String op, JsonNode before, JsonNode after, JsonNode source) {

    static final String CREATE = "c";
    static final String UPDATE = "u";
    static final String DELETE = "d";
    static final String READ = "r";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The envelope of a tombstone (a null value, or a null {@code payload}): Debezium's "the key is gone". */
    static final DebeziumEnvelope TOMBSTONE = new DebeziumEnvelope(null, null, null, null);

    boolean tombstone() {
        return op == null;
    }

    /** Parses a record value; throws {@link UnreadableChangeException} naming what is wrong. */
    static DebeziumEnvelope parse(byte[] value) {
        if (value == null) {
            return TOMBSTONE;
        }
        JsonNode envelope = unwrap(readTree(value, "value"));
        if (envelope == null) {
            return TOMBSTONE;
        }
        if (!envelope.isObject()) {
            throw new UnreadableChangeException("$", "the record value is not a Debezium change event (a JSON object)");
        }
        JsonNode op = envelope.get("op");
        if (op == null || !op.isTextual()) {
            throw new UnreadableChangeException("op", "absent or not text: the record value is not a Debezium change event"
                    + " (a flattened row from ExtractNewRecordState cannot be mapped: send the envelope)");
        }
        return new DebeziumEnvelope(op.asText(), row(envelope.get("before")), row(envelope.get("after")), row(envelope.get("source")));
    }

    /** A record key's fields (the row's key columns), with or without schemas; null for a record without a key. */
    static JsonNode parseKey(byte[] key) {
        if (key == null) {
            return null;
        }
        JsonNode k = unwrap(readTree(key, "key"));
        return k == null || !k.isObject() ? null : k;
    }

    /** The JsonConverter's {@code {"schema":..., "payload":...}} wrapper holds the envelope under payload. */
    private static JsonNode unwrap(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isObject() && node.has("payload") && node.has("schema")) {
            JsonNode payload = node.get("payload");
            return payload == null || payload.isNull() ? null : payload;
        }
        return node;
    }

    private static JsonNode row(JsonNode node) {
        return node == null || node instanceof NullNode ? null : node;
    }

    private static JsonNode readTree(byte[] bytes, String what) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UnreadableChangeException("$", "the record " + what + " is not JSON (Debezium's JsonConverter"
                    + " writes JSON; Avro and other converters are not read): " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
