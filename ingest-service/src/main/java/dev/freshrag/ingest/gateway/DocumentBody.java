package dev.freshrag.ingest.gateway;

import java.util.Map;

/** Body of {@code PUT /v1/tenants/{tenant}/documents/{docId}}: the event without tenant, docId and op. */
public record DocumentBody(
        Long version,
        String title,
        String contentType,
        String content,
        Map<String, String> metadata,
        String sourceTimestamp) {
}
