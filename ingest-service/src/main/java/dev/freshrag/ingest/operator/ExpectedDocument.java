package dev.freshrag.ingest.operator;

import java.util.List;

/**
 * What the pipeline's state says the index should hold of one document: its version, whether it is deleted (then
 * the index should hold nothing of it) and the chunk ids of its live content, in document order.
 */
public record ExpectedDocument(String tenant, String docId, long version, boolean deleted, List<String> chunkIds) {
}
