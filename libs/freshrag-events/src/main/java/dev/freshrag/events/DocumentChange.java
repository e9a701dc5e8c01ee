package dev.freshrag.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A document-change event on {@code kb.doc-changes}, keyed by {@code tenant/docId}.
 *
 * @param tenant          owner of the document, {@code [a-z0-9][a-z0-9_-]{0,62}}
 * @param docId           the source system's id, 1-512 printable characters (may hold {@code /})
 * @param version         positive and increasing per document, across deletes and re-creates; {@code null}
 *                        (versionless) means "apply now, in log order": the event is applied at the
 *                        document's current version and never raises it (see the README's event contract)
 * @param op              {@link Op#UPSERT} or {@link Op#DELETE}
 * @param title           optional human title, returned with hits and citations
 * @param contentType     {@code text/plain} (default), {@code text/markdown} or {@code text/html}
 * @param content         the whole document; required for UPSERT
 * @param metadata        flat string map, filterable at search time
 * @param sourceTimestamp ISO-8601 time of the change in the source system, informational
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DocumentChange(
        String tenant,
        String docId,
        Long version,
        Op op,
        String title,
        String contentType,
        String content,
        Map<String, String> metadata,
        String sourceTimestamp) {

    public DocumentChange {
        // a copy that keeps null values, so the validator can name them instead of a NullPointerException
        metadata = metadata == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metadata));
    }

    public DocumentKey key() {
        return new DocumentKey(tenant, docId);
    }

    public ContentType parsedContentType() {
        return ContentType.parse(contentType).orElseThrow();
    }
}
