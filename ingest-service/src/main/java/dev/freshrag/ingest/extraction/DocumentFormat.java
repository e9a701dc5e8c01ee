package dev.freshrag.ingest.extraction;

import dev.freshrag.events.ContentType;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The formats a raw document body may have (the raw {@code PUT .../documents/{docId}} and CloudEvents data). Text
 * formats go to the topology as they are (its own Markdown and HTML parsers keep headings as chunk boundaries);
 * the others are turned into plain text by Apache Tika before anything is published, so kb.doc-changes carries text.
 */
public enum DocumentFormat {
    PDF("application/pdf", null),
    DOCX("application/vnd.openxmlformats-officedocument.wordprocessingml.document", null),
    PPTX("application/vnd.openxmlformats-officedocument.presentationml.presentation", null),
    ODT("application/vnd.oasis.opendocument.text", null),
    RTF("application/rtf", null, "text/rtf"),
    EPUB("application/epub+zip", null),
    HTML("text/html", ContentType.TEXT_HTML),
    MARKDOWN("text/markdown", ContentType.TEXT_MARKDOWN, "text/x-markdown"),
    PLAIN("text/plain", ContentType.TEXT_PLAIN);

    private final String mediaType;
    /** The event's content type when the body is text already; null: Tika extracts plain text. */
    private final ContentType textType;
    private final List<String> aliases;

    DocumentFormat(String mediaType, ContentType textType, String... aliases) {
        this.mediaType = mediaType;
        this.textType = textType;
        this.aliases = List.of(aliases);
    }

    public String mediaType() {
        return mediaType;
    }

    /** True when Tika extracts the text; false for the text formats the topology parses itself. */
    public boolean needsExtraction() {
        return textType == null;
    }

    /** The content type of the event this body becomes (text/plain for everything Tika extracts). */
    public ContentType contentType() {
        return textType == null ? ContentType.TEXT_PLAIN : textType;
    }

    /** Parses a media type, ignoring parameters such as {@code ; charset=utf-8}. */
    public static Optional<DocumentFormat> ofMediaType(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String bare = value.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.mediaType.equals(bare) || f.aliases.contains(bare)).findFirst();
    }

    /** For error messages: every accepted media type. */
    public static String accepted() {
        return Arrays.stream(values()).map(DocumentFormat::mediaType).collect(Collectors.joining(", "));
    }
}
