package dev.freshrag.index;

import java.util.Map;

/** What is stored beside every chunk of a document version. */
public record DocumentPayload(long version, String title, Map<String, String> metadata) {
    public DocumentPayload {
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
