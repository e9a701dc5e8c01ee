package dev.freshrag.embed.pipeline;

import dev.freshrag.embed.metrics.EmbedMetrics;
import dev.freshrag.embedding.Embedder;
import dev.freshrag.events.ChunkOp;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.VectorIndexWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Embeds what a {@link BatchPlan} needs (cache first) and writes it to the index, then commits. The
 * caller acknowledges the batch only after {@link #apply} returns, so a crash before that replays
 * it, and every write being idempotent by chunk id makes the replay harmless.
 */
public final class BatchApplier {

    private final Embedder embedder;
    private final VectorIndexWriter index;
    private final EmbeddingCache cache;
    private final EmbedMetrics metrics;

    public BatchApplier(Embedder embedder, VectorIndexWriter index, EmbeddingCache cache, EmbedMetrics metrics) {
        this.embedder = embedder;
        this.index = index;
        this.cache = cache;
        this.metrics = metrics;
    }

    /** Step 1: vectors for every text the plan embeds. Throws if the model fails on some input. */
    public Map<String, float[]> vectors(BatchPlan plan) {
        String modelId = embedder.model().id();
        Map<String, String> texts = plan.textsToEmbed();
        Map<String, float[]> vectors = new HashMap<>();
        List<String> missingHashes = new ArrayList<>();
        List<String> missingTexts = new ArrayList<>();
        for (Map.Entry<String, String> e : texts.entrySet()) {
            float[] cached = cache.get(modelId, e.getKey());
            if (cached != null) {
                vectors.put(e.getKey(), cached);
            } else {
                missingHashes.add(e.getKey());
                missingTexts.add(e.getValue());
            }
        }
        if (!missingTexts.isEmpty()) {
            float[][] embedded = embedder.embed(missingTexts);
            for (int i = 0; i < embedded.length; i++) {
                vectors.put(missingHashes.get(i), embedded[i]);
                cache.put(modelId, missingHashes.get(i), embedded[i]);
            }
        }
        metrics.embedded(missingTexts.size());
        metrics.reused(texts.size() - missingTexts.size());
        return vectors;
    }

    /** Step 2: the index writes and the commit. Safe to repeat after a failure. */
    public void write(BatchPlan plan, Map<String, float[]> vectors) {
        long now = System.currentTimeMillis();
        int deleted = 0;
        int missing = 0;
        for (BatchPlan.DocumentPlan doc : plan.documents()) {
            if (doc.deleteFirst()) {
                index.deleteDocument(doc.tenant(), doc.docId());
            }
            List<ChunkOp> deletes = doc.ops(ChunkOp.Type.DELETE);
            if (!deletes.isEmpty()) {
                index.deletePoints(doc.tenant(), doc.docId(), deletes.stream().map(ChunkOp::chunkId).toList());
                deleted += deletes.size();
            }
            if (doc.payload() == null) {
                continue;
            }
            List<IndexPoint> points = new ArrayList<>();
            for (ChunkOp op : doc.ops(ChunkOp.Type.EMBED)) {
                points.add(new IndexPoint(doc.tenant(), doc.docId(), op.chunkId(), op.seq(), op.hash(), op.text(),
                        doc.payload(), vectors.get(op.hash()), now));
            }
            if (!points.isEmpty()) {
                index.upsert(points);
            }
            Map<String, Integer> relabel = new HashMap<>();
            for (ChunkOp op : doc.ops(ChunkOp.Type.PAYLOAD)) {
                relabel.put(op.chunkId(), op.seq());
            }
            if (!relabel.isEmpty()) {
                missing += index.updatePayload(doc.tenant(), doc.docId(), doc.payload(), relabel).size();
            }
        }
        index.commit(plan.nextSourceOffsets());
        metrics.deleted(deleted);
        if (missing > 0) {
            metrics.payloadMissing(missing);
        }
    }
}
