package dev.freshrag.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One chunk's change inside {@link DocumentOps}.
 *
 * @param type    {@link Type#EMBED}: new or changed text, embed and upsert; {@link Type#PAYLOAD}: text
 *                unchanged, only version/title/metadata/position change, no embedding;
 *                {@link Type#DELETE}: the chunk is gone from the new version
 * @param chunkId deterministic name-based UUID over tenant, docId, content hash and occurrence
 * @param seq     position of the chunk in the document (0-based), for EMBED and PAYLOAD
 * @param hash    SHA-256 (hex) of the chunk text, the embedding cache key, for EMBED and PAYLOAD
 * @param text    the chunk text, for EMBED, and for PAYLOAD too: a relabelled chunk that the index does not hold
 *                (the index was lost and rebuilt from kb.chunk-ops, or an earlier write never landed) is embedded
 *                again from it instead of staying missing. Normally a relabel embeds nothing; the text only makes
 *                the record as large as a new document's. PAYLOAD records written before carry none.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChunkOp(Type type, String chunkId, Integer seq, String hash, String text) {

    public enum Type {
        EMBED,
        PAYLOAD,
        DELETE
    }

    public static ChunkOp embed(String chunkId, int seq, String hash, String text) {
        return new ChunkOp(Type.EMBED, chunkId, seq, hash, text);
    }

    /** A relabel with the chunk's text, so that the embed-service can restore the chunk if the index lost it. */
    public static ChunkOp payload(String chunkId, int seq, String hash, String text) {
        return new ChunkOp(Type.PAYLOAD, chunkId, seq, hash, text);
    }

    /** A relabel without text (as written before relabels carried it): a missing chunk cannot be restored. */
    public static ChunkOp payload(String chunkId, int seq, String hash) {
        return payload(chunkId, seq, hash, null);
    }

    public static ChunkOp delete(String chunkId) {
        return new ChunkOp(Type.DELETE, chunkId, null, null, null);
    }
}
