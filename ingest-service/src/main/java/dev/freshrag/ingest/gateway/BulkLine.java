package dev.freshrag.ingest.gateway;

import java.util.Map;

/**
 * One line of {@code POST /v1/tenants/{tenant}/documents:bulk}: the PUT body plus {@code docId} and an optional
 * {@code op} ({@code upsert}, the default, or {@code delete}; a delete takes only {@code version}).
 */
public record BulkLine(
        String docId,
        String op,
        Long version,
        String title,
        String contentType,
        String content,
        Map<String, String> metadata,
        String sourceTimestamp) {
}
