package dev.freshrag.embed.pipeline;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentKey;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.index.DocumentMark;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.SourceOffsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A batch of kb.chunk-ops records folded, per document and in offset order, into the final operation
 * of each chunk. Redundant work inside a batch disappears: a chunk embedded by one version and deleted
 * by the next is never embedded; a document deleted after two edits costs one delete.
 */
public final class BatchPlan {

    private final Map<DocumentKey, DocumentPlan> documents = new LinkedHashMap<>();
    private SourceOffsets nextSourceOffsets = SourceOffsets.NONE;

    /** @param ops the batch's records in offset order (per partition; documents never span partitions) */
    public static BatchPlan of(List<DocumentOps> ops) {
        BatchPlan plan = new BatchPlan();
        for (DocumentOps o : ops) {
            plan.add(o);
        }
        return plan;
    }

    private void add(DocumentOps o) {
        nextSourceOffsets = nextSourceOffsets.withApplied(o.sourcePartition(), o.sourceOffset());
        DocumentPlan doc = documents.computeIfAbsent(o.key(), k -> new DocumentPlan(k.tenant(), k.docId()));
        if (!o.kind().positionOnly()) {
            doc.changed = true;
            doc.sourcePartition = o.sourcePartition();
            doc.sourceOffset = o.sourceOffset();
        }
        switch (o.kind()) {
            case SKIP, DEFERRED -> { }
            case DELETE_DOCUMENT -> {
                doc.deleteFirst = true;
                doc.chunks.clear();
                doc.payload = null;
                doc.version = o.version();
            }
            case APPLY -> {
                doc.payload = new DocumentPayload(o.version(), o.title(), o.metadata());
                doc.version = o.version();
                for (ChunkOp op : o.ops()) {
                    doc.fold(op);
                }
            }
        }
    }

    public Collection<DocumentPlan> documents() {
        return documents.values();
    }

    /** Partition of kb.doc-changes to the next offset not yet applied, once this batch is durable. */
    public SourceOffsets nextSourceOffsets() {
        return nextSourceOffsets;
    }

    /** Every distinct text that must be embedded, by content hash. */
    public Map<String, String> textsToEmbed() {
        Map<String, String> byHash = new LinkedHashMap<>();
        for (DocumentPlan d : documents.values()) {
            for (ChunkOp op : d.chunks.values()) {
                if (op.type() == ChunkOp.Type.EMBED) {
                    byHash.putIfAbsent(op.hash(), op.text());
                }
            }
        }
        return byHash;
    }

    /** One document's net change. */
    public static final class DocumentPlan {
        private final String tenant;
        private final String docId;
        private boolean deleteFirst;
        private DocumentPayload payload;
        private long version;
        private boolean changed;
        private int sourcePartition;
        private long sourceOffset;
        private final Map<String, ChunkOp> chunks = new LinkedHashMap<>();

        DocumentPlan(String tenant, String docId) {
            this.tenant = tenant;
            this.docId = docId;
        }

        private void fold(ChunkOp op) {
            ChunkOp previous = chunks.get(op.chunkId());
            if (op.type() == ChunkOp.Type.PAYLOAD && previous != null && previous.type() == ChunkOp.Type.EMBED) {
                // embedded earlier in this batch and unchanged since: still an embed, at its new position
                chunks.put(op.chunkId(), ChunkOp.embed(op.chunkId(), op.seq(), previous.hash(), previous.text()));
            } else {
                chunks.put(op.chunkId(), op);
            }
        }

        public String tenant() {
            return tenant;
        }

        public String docId() {
            return docId;
        }

        /** Whether every point of the document must go before the chunk operations are applied. */
        public boolean deleteFirst() {
            return deleteFirst;
        }

        /** Version, title and metadata of the newest applied version; null when the document ends deleted. */
        public DocumentPayload payload() {
            return payload;
        }

        public long version() {
            return version;
        }

        /**
         * What the index must remember of the document after this plan (see {@link DocumentMark}): the newest change
         * folded in; empty when the plan only marks stale events applied (SKIP), which change nothing.
         */
        public java.util.Optional<DocumentMark> mark() {
            return changed ? java.util.Optional.of(new DocumentMark(version, payload == null, sourcePartition, sourceOffset))
                    : java.util.Optional.empty();
        }

        public List<ChunkOp> ops(ChunkOp.Type type) {
            List<ChunkOp> out = new ArrayList<>();
            for (ChunkOp op : chunks.values()) {
                if (op.type() == type) {
                    out.add(op);
                }
            }
            return out;
        }
    }
}
