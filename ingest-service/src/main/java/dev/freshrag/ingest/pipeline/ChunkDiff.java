package dev.freshrag.ingest.pipeline;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.ingest.chunking.Chunk;
import dev.freshrag.ingest.chunking.ChunkIds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chunk operations that turn a document's previous version into its new one: embed what is new,
 * re-label what is unchanged (version, title, metadata, position, no embedding), delete what is gone.
 */
public final class ChunkDiff {

    /** The operations and the new version's chunk list, to store as the document's state. */
    public record Result(List<ChunkOp> ops, List<DocumentState.ChunkRef> chunks, int embed, int reused, int deleted) {
    }

    private ChunkDiff() {
    }

    public static Result diff(String tenant, String docId, List<DocumentState.ChunkRef> previous, List<Chunk> next) {
        Set<String> previousIds = new HashSet<>();
        for (DocumentState.ChunkRef ref : previous) {
            previousIds.add(ref.id());
        }
        Map<String, Integer> occurrences = new HashMap<>();
        List<ChunkOp> ops = new ArrayList<>(next.size());
        List<DocumentState.ChunkRef> refs = new ArrayList<>(next.size());
        Set<String> nextIds = new HashSet<>();
        int embed = 0;
        int reused = 0;
        for (Chunk c : next) {
            int occurrence = occurrences.merge(c.hash(), 1, Integer::sum) - 1;
            String id = ChunkIds.of(tenant, docId, c.hash(), occurrence);
            nextIds.add(id);
            refs.add(new DocumentState.ChunkRef(id, c.hash()));
            if (previousIds.contains(id)) {
                // the text too: if the index lost the chunk, the embed-service embeds it again instead of skipping it
                ops.add(ChunkOp.payload(id, c.seq(), c.hash(), c.text()));
                reused++;
            } else {
                ops.add(ChunkOp.embed(id, c.seq(), c.hash(), c.text()));
                embed++;
            }
        }
        int deleted = 0;
        for (DocumentState.ChunkRef ref : previous) {
            if (!nextIds.contains(ref.id())) {
                ops.add(ChunkOp.delete(ref.id()));
                deleted++;
            }
        }
        return new Result(ops, refs, embed, reused, deleted);
    }
}
