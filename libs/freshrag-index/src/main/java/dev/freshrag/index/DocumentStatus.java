package dev.freshrag.index;

/** What the index holds of a document: its version, chunk count and last write time (epoch ms). */
public record DocumentStatus(String docId, long version, int chunks, long indexedAt) {
}
