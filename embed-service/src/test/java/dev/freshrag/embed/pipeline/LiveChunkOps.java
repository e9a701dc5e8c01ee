package dev.freshrag.embed.pipeline;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Topics;
import dev.freshrag.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Unmarked (live) kb.chunk-ops records for the lane tests: a new document of chunks to embed, sent to the broker. */
final class LiveChunkOps {

    private LiveChunkOps() {
    }

    /** Produces the record to kb.chunk-ops, keyed tenant/docId as the ingest-service keys it. */
    static void send(DocumentOps ops) {
        KafkaBroker.shared().produce(Topics.CHUNK_OPS, (ops.tenant() + "/" + ops.docId()).getBytes(StandardCharsets.UTF_8),
                EventJson.write(ops), Map.of());
    }

    /** Version 1 of a document whose chunks are all to embed, one per text. */
    static DocumentOps newDocument(String tenant, String docId, String... texts) {
        List<ChunkOp> ops = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            ops.add(ChunkOp.embed(UUID.randomUUID().toString(), i, "hash-" + tenant + "-" + docId + "-" + i, texts[i]));
        }
        return new DocumentOps(tenant, docId, 1, DocumentOps.Kind.APPLY, docId, Map.of(), ops, texts.length, 0, 0);
    }
}
