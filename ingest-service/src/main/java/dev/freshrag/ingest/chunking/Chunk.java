package dev.freshrag.ingest.chunking;

/**
 * One piece of a document, small enough to embed without truncation.
 *
 * @param seq    position in the document
 * @param hash   SHA-256 hex of {@code text}
 * @param tokens model tokens including the special tokens
 */
public record Chunk(int seq, String text, String hash, int tokens) {
}
