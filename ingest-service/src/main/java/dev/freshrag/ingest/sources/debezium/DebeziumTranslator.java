package dev.freshrag.ingest.sources.debezium;

import com.fasterxml.jackson.databind.JsonNode;
import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.DocumentChangeValidator;
import dev.freshrag.events.DocumentKey;
import dev.freshrag.events.Op;
import dev.freshrag.events.Violation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns one Debezium change event of a mapped table into FreshRAG document changes (the event contract's
 * {@link DocumentChange}): create, update and snapshot read become an UPSERT (reads marked for the bulk lane), delete
 * and tombstone a DELETE, and a change that leaves every mapped column as it was becomes nothing. Pure: the caller
 * keeps the {@link RowState} between calls. A record it cannot map throws {@link UnreadableChangeException}.
 */
final class DebeziumTranslator {

    private final DebeziumMapping mapping;
    private final DocumentChangeValidator validator;

    DebeziumTranslator(DebeziumMapping mapping, DocumentChangeValidator validator) {
        this.mapping = mapping;
        this.validator = validator;
    }

    /** The state-store key of a record's row: its Debezium key (with or without schema, the same), else null. */
    static String rowKey(byte[] recordKey) {
        JsonNode key = DebeziumEnvelope.parseKey(recordKey);
        return key == null ? null : key.toString();
    }

    Translation translate(byte[] recordKey, byte[] value, RowState previous) {
        DebeziumEnvelope change = DebeziumEnvelope.parse(value);
        if (change.tombstone()) {
            // Debezium follows each delete with a tombstone; after our delete the row is already forgotten
            if (previous == null) {
                return new Translation.Nothing("tombstone of a row that is already deleted or was never mapped");
            }
            DocumentKey doc = DocumentKey.parse(previous.documentKey()).orElseThrow();
            return new Translation.Publish(List.of(delete(doc, null, null)), false, null);
        }
        return switch (change.op()) {
            case DebeziumEnvelope.CREATE, DebeziumEnvelope.UPDATE, DebeziumEnvelope.READ -> upsert(change, previous);
            case DebeziumEnvelope.DELETE -> delete(change, DebeziumEnvelope.parseKey(recordKey), previous);
            default -> throw new UnreadableChangeException("op", "'" + change.op() + "' cannot be mapped to documents"
                    + " (only c, u, d, r and tombstones are; a truncate must be replaced by deletes of the rows)");
        };
    }

    private Translation upsert(DebeziumEnvelope change, RowState previous) {
        JsonNode row = change.after();
        if (row == null || !row.isObject()) {
            throw new UnreadableChangeException("after", "absent in a '" + change.op() + "' event");
        }
        DocumentKey doc = documentKey(row, null);
        Map<String, String> metadata = new LinkedHashMap<>();
        for (String column : mapping.metadataColumns()) {
            String v = text(row, column, "metadata-columns", false);
            if (v != null) {
                metadata.put(column, v);
            }
        }
        String title = mapping.titleColumn().map(c -> text(row, c, "title-column", false)).orElse(null);
        String contentType = mapping.contentTypeColumn().map(c -> text(row, c, "content-type-column", false))
                .orElse(mapping.contentType());
        String content = text(row, mapping.contentColumn(), "content-column", true);
        DocumentChange upsert = new DocumentChange(doc.tenant(), doc.docId(), version(change, row), Op.UPSERT, title,
                contentType, content, metadata, timestamp(change));
        requireValid(upsert);
        String hash = hash(doc.toString(), title, contentType, content, metadata);
        RowState next = new RowState(doc.toString(), hash);
        if (next.equals(previous)) {
            return new Translation.Nothing("no mapped column of " + doc + " changed");
        }
        List<DocumentChange> changes = new ArrayList<>(2);
        if (previous != null && !previous.documentKey().equals(next.documentKey())) {
            // the row moved to another tenant: its old document goes (same version, above the old one's)
            changes.add(delete(DocumentKey.parse(previous.documentKey()).orElseThrow(), upsert.version(), upsert.sourceTimestamp()));
        }
        changes.add(upsert);
        return new Translation.Publish(changes, DebeziumEnvelope.READ.equals(change.op()), next);
    }

    private Translation delete(DebeziumEnvelope change, JsonNode key, RowState previous) {
        JsonNode before = change.before();
        // with PostgreSQL's default replica identity the before image holds the key columns only: the tenant of a
        // tenant-column mapping comes from what the row became earlier
        DocumentKey doc = previous != null ? DocumentKey.parse(previous.documentKey()).orElseThrow() : documentKey(merge(key, before), "before");
        Long version = mapping.version() instanceof VersionSource.Column c && (before == null || !before.hasNonNull(c.name()))
                ? null // the version column is not in the delete event (not part of the replica identity): delete now
                : version(change, before);
        DocumentChange delete = delete(doc, version, timestamp(change));
        requireValid(delete);
        return new Translation.Publish(List.of(delete), false, null);
    }

    private DocumentChange delete(DocumentKey doc, Long version, String timestamp) {
        return new DocumentChange(doc.tenant(), doc.docId(), version, Op.DELETE, null, null, null, Map.of(), timestamp);
    }

    private DocumentKey documentKey(JsonNode row, String image) {
        String tenant = mapping.tenant().orElseGet(() -> text(row, mapping.tenantColumn().orElseThrow(), "tenant-column", true, image));
        List<String> parts = new ArrayList<>();
        for (String column : mapping.docIdColumns()) {
            parts.add(text(row, column, "doc-id-columns", true, image));
        }
        return new DocumentKey(tenant, String.join("/", parts));
    }

    private Long version(DebeziumEnvelope change, JsonNode row) {
        if (mapping.version() instanceof VersionSource.Lsn) {
            JsonNode lsn = change.source() == null ? null : change.source().get("lsn");
            if (lsn == null || !lsn.canConvertToLong() || lsn.asLong() <= 0) {
                throw new UnreadableChangeException("source.lsn", "absent or not a positive number (version=lsn needs"
                        + " PostgreSQL's change events; use version=column:<name> or none for other databases)");
            }
            return lsn.asLong();
        }
        if (mapping.version() instanceof VersionSource.Column c) {
            JsonNode v = row == null ? null : row.get(c.name());
            boolean whole = v != null && (v.isIntegralNumber() || v.isTextual() && v.asText().matches("[0-9]{1,18}"));
            if (!whole || v.asLong() <= 0) {
                throw new UnreadableChangeException(c.name(), "the version column '" + c.name() + "' is "
                        + (v == null ? "not in the event" : "not a positive whole number: " + v));
            }
            return v.asLong();
        }
        return null; // none: versionless, applied in log order
    }

    private static String timestamp(DebeziumEnvelope change) {
        JsonNode ts = change.source() == null ? null : change.source().get("ts_ms");
        return ts != null && ts.canConvertToLong() ? Instant.ofEpochMilli(ts.asLong()).toString() : null;
    }

    private String text(JsonNode row, String column, String option, boolean required) {
        return text(row, column, option, required, null);
    }

    /** A column's value as text (numbers and booleans in their JSON form), null for SQL NULL when not required. */
    private String text(JsonNode row, String column, String option, boolean required, String image) {
        JsonNode v = row == null ? null : row.get(column);
        if (v == null) {
            throw new UnreadableChangeException(column, "the column '" + column + "' (" + option + " of source '"
                    + mapping.name() + "') is not in the event's " + (image == null ? "after" : image) + " row");
        }
        if (v.isNull()) {
            if (required) {
                throw new UnreadableChangeException(column, "the column '" + column + "' (" + option + ") is NULL");
            }
            return null;
        }
        if (v.isContainerNode()) {
            return v.toString();
        }
        return v.asText();
    }

    /** A delete's row: the record key's columns, with the before image's where it has them. */
    private static JsonNode merge(JsonNode key, JsonNode before) {
        if (key == null) {
            return before;
        }
        if (before == null || !before.isObject()) {
            return key;
        }
        com.fasterxml.jackson.databind.node.ObjectNode row = ((com.fasterxml.jackson.databind.node.ObjectNode) key).deepCopy();
        before.fields().forEachRemaining(f -> {
            if (!f.getValue().isNull() || !row.has(f.getKey())) {
                row.set(f.getKey(), f.getValue());
            }
        });
        return row;
    }

    private void requireValid(DocumentChange change) {
        List<Violation> violations = validator.validate(change);
        if (!violations.isEmpty()) {
            Violation first = violations.get(0);
            String reason = violations.stream().map(Violation::toString).reduce((a, b) -> a + "; " + b).orElseThrow();
            throw new UnreadableChangeException(first.field(), "the mapped document is not valid: " + reason);
        }
    }

    /** SHA-256 over the mapped columns, each length-prefixed so that no two different rows hash alike by concatenation. */
    static String hash(String documentKey, String title, String contentType, String content, Map<String, String> metadata) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<String> fields = new ArrayList<>(List.of(documentKey, title == null ? "\0" : title, contentType == null ? "\0" : contentType, content));
            new TreeMap<>(metadata).forEach((k, v) -> {
                fields.add(k);
                fields.add(v);
            });
            for (String f : fields) {
                byte[] bytes = f.getBytes(StandardCharsets.UTF_8);
                sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
                sha.update((byte) ':');
                sha.update(bytes);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
