package dev.freshrag.index;

/**
 * One chunk with its vector.
 *
 * @param chunkId   UUID string, the point id
 * @param seq       position in the document
 * @param hash      SHA-256 hex of {@code text}
 * @param indexedAt epoch milliseconds of the write
 */
public record IndexPoint(
        String tenant,
        String docId,
        String chunkId,
        int seq,
        String hash,
        String text,
        DocumentPayload payload,
        float[] vector,
        long indexedAt) {
}
