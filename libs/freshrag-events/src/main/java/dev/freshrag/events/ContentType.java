package dev.freshrag.events;

import java.util.Arrays;
import java.util.Optional;

/** The content formats FreshRAG turns into plain text before chunking. */
public enum ContentType {
    TEXT_PLAIN("text/plain"),
    TEXT_MARKDOWN("text/markdown"),
    TEXT_HTML("text/html");

    private final String mediaType;

    ContentType(String mediaType) {
        this.mediaType = mediaType;
    }

    public String mediaType() {
        return mediaType;
    }

    /** Parses a media type, ignoring parameters such as {@code ; charset=utf-8}. */
    public static Optional<ContentType> parse(String value) {
        if (value == null) {
            return Optional.of(TEXT_PLAIN);
        }
        String bare = value.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return Arrays.stream(values()).filter(c -> c.mediaType.equals(bare)).findFirst();
    }
}
