package dev.freshrag.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The files {@code sync} sends, by extension. Text formats go as NDJSON lines of {@code documents:bulk}; the others as
 * the file itself ({@code PUT .../documents/{docId}} with its media type), whose text the ingest-service extracts.
 */
enum SyncFormat {
    MARKDOWN("text/markdown", true, "md", "markdown"),
    HTML("text/html", true, "html", "htm"),
    TEXT("text/plain", true, "txt"),
    PDF("application/pdf", false, "pdf"),
    DOCX("application/vnd.openxmlformats-officedocument.wordprocessingml.document", false, "docx"),
    PPTX("application/vnd.openxmlformats-officedocument.presentationml.presentation", false, "pptx"),
    ODT("application/vnd.oasis.opendocument.text", false, "odt"),
    RTF("application/rtf", false, "rtf"),
    EPUB("application/epub+zip", false, "epub");

    final String mediaType;
    final boolean text;
    private final List<String> extensions;

    SyncFormat(String mediaType, boolean text, String... extensions) {
        this.mediaType = mediaType;
        this.text = text;
        this.extensions = List.of(extensions);
    }

    static Optional<SyncFormat> of(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String ext = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(f -> f.extensions.contains(ext)).findFirst();
    }
}
