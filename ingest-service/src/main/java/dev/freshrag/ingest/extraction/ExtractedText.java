package dev.freshrag.ingest.extraction;

import dev.freshrag.events.ContentType;

/** A document's text as an event carries it, with the title the file itself names (null when it names none). */
public record ExtractedText(String content, ContentType contentType, String title) {
}
