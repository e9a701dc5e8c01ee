package dev.freshrag.ingest.chunking;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Deterministic chunk ids: a name-based UUID over tenant, docId, the chunk's content hash and its
 * occurrence number (the n-th chunk with that hash in the document). An unchanged chunk keeps its id
 * across versions, so it needs no new embedding; two equal chunks in one document still get two ids.
 */
public final class ChunkIds {

    private ChunkIds() {
    }

    public static String of(String tenant, String docId, String contentHash, int occurrence) {
        // NUL separators: none of the parts can contain NUL (tenant/docId are validated printable)
        String name = tenant + '\0' + docId + '\0' + contentHash + '\0' + occurrence;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
