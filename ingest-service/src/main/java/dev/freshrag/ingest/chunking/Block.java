package dev.freshrag.ingest.chunking;

/**
 * A paragraph-level piece of a document's text.
 *
 * @param heading true for section headings, which always start a new chunk: a heading is a natural,
 *                stable boundary, so edits in one section never move the chunks of the next
 */
public record Block(String text, boolean heading) {
}
