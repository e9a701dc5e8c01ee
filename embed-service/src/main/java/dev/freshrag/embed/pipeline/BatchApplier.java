package dev.freshrag.embed.pipeline;

import dev.freshrag.embed.metrics.EmbedMetrics;
import dev.freshrag.embedding.Embedder;
import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentKey;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.index.DocumentMark;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.DeferredOffsets;
import dev.freshrag.index.Lane;
import dev.freshrag.index.SourceOffsets;
import dev.freshrag.index.VectorIndexWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Embeds what a {@link BatchPlan} needs (cache first) and writes it to the index, then commits. The
 * caller acknowledges the batch only after {@link #write} returns, so a crash before that replays
 * it, and every write being idempotent by chunk id makes the replay harmless.
 */
public final class BatchApplier {

    private static final Logger LOG = Logger.getLogger(BatchApplier.class);

    private final Embedder embedder;
    private final VectorIndexWriter index;
    private final EmbeddingCache cache;
    private final EmbedMetrics metrics;

    public BatchApplier(Embedder embedder, VectorIndexWriter index, EmbeddingCache cache, EmbedMetrics metrics) {
        this.embedder = embedder;
        this.index = index;
        this.cache = cache;
        this.metrics = metrics;
        metrics.modelLoaded(embedder);
    }

    /**
     * Step 1: vectors for every text the plan embeds.
     *
     * @throws EmbeddingFailedException the model failed; the caller retries, the records are not at fault
     * @throws dev.freshrag.embedding.EmbeddingRejectedException an embedding server rejected the texts (HTTP 400,
     *         413, 422): the same texts always fail, so the caller must not retry them
     */
    public Map<String, float[]> vectors(BatchPlan plan) {
        Map<String, String> texts = plan.textsToEmbed();
        int[] modelRuns = new int[1];
        Map<String, float[]> vectors = vectorsOf(texts, modelRuns);
        metrics.embedded(modelRuns[0]);
        metrics.reused(texts.size() - modelRuns[0]);
        return vectors;
    }

    /**
     * Step 1 in parts (see {@link ModelCalls}): the vectors of {@code textsByHash} the cache holds (counted reused);
     * the caller embeds the others with {@link #embedTexts}.
     */
    Map<String, float[]> cachedVectors(Map<String, String> textsByHash) {
        String modelId = embedder.model().id();
        Map<String, float[]> vectors = new HashMap<>();
        for (String hash : textsByHash.keySet()) {
            float[] cached = cache.get(modelId, hash);
            if (cached != null) {
                vectors.put(hash, cached);
            }
        }
        metrics.reused(vectors.size());
        return vectors;
    }

    /**
     * One model call for texts by content hash (a text cached meanwhile is not embedded again); the vectors go into
     * the cache, so a slice given up after this call costs nothing more for them.
     *
     * @throws EmbeddingFailedException the model failed; the caller retries
     * @throws dev.freshrag.embedding.EmbeddingRejectedException an embedding server rejected the texts
     */
    Map<String, float[]> embedTexts(Map<String, String> textsByHash) {
        int[] modelRuns = new int[1];
        Map<String, float[]> vectors = vectorsOf(textsByHash, modelRuns);
        metrics.embedded(modelRuns[0]);
        metrics.reused(textsByHash.size() - modelRuns[0]);
        return vectors;
    }

    /** Vectors by content hash, from the cache or the model; {@code modelRuns[0]} says how many the model made. */
    private Map<String, float[]> vectorsOf(Map<String, String> textsByHash, int[] modelRuns) {
        String modelId = embedder.model().id();
        Map<String, float[]> vectors = new HashMap<>();
        List<String> missingHashes = new ArrayList<>();
        List<String> missingTexts = new ArrayList<>();
        for (Map.Entry<String, String> e : textsByHash.entrySet()) {
            float[] cached = cache.get(modelId, e.getKey());
            if (cached != null) {
                vectors.put(e.getKey(), cached);
            } else {
                missingHashes.add(e.getKey());
                missingTexts.add(e.getValue());
            }
        }
        if (!missingTexts.isEmpty()) {
            float[][] embedded;
            try {
                embedded = embedder.embed(missingTexts);
            } catch (dev.freshrag.embedding.EmbeddingRejectedException e) {
                // an embedding server refused the texts themselves (too long, unreadable): the caller finds the record
                throw e;
            } catch (RuntimeException e) {
                // otherwise it is the model's own fault (OOM, a stuck GPU, an embedding server down or overloaded)
                throw new EmbeddingFailedException("embedding " + missingTexts.size() + " texts failed: " + e, e);
            }
            for (int i = 0; i < embedded.length; i++) {
                vectors.put(missingHashes.get(i), embedded[i]);
                cache.put(modelId, missingHashes.get(i), embedded[i]);
            }
        }
        modelRuns[0] = missingTexts.size();
        return vectors;
    }

    /**
     * Step 2: the index writes and the commit. Safe to repeat after a failure. A relabelled chunk the index does
     * not hold (the index was lost and rebuilt from kb.chunk-ops, or an earlier write never landed) is embedded
     * again from the text its relabel carries, so it ends indexed; only relabels without text (records written
     * before relabels carried it) are left missing and counted.
     *
     * @throws EmbeddingFailedException the model failed while restoring a missing chunk; the caller retries
     */
    public void write(BatchPlan plan, Map<String, float[]> vectors) {
        writePlan(plan, vectors, PreparedWrites.NONE);
        index.commit(plan.nextSourceOffsets());
    }

    /**
     * Step 2 of a lane's slice: drops the operations the index already holds something newer for (their document's
     * mark supersedes them: the other lane overtook them), writes the rest with each document's new mark, and commits
     * with {@code positions}, the lane's source positions that this write completes. Safe to repeat after a failure.
     *
     * @param ops     the slice's records, per document in source order
     * @param vectors what {@link #vectors} computed for the slice (a text it lacks is embedded here)
     * @return how many records were superseded (skipped, their source offsets still counted applied)
     * @throws EmbeddingFailedException the model failed while embedding a missing text; the caller retries
     */
    public int write(Lane lane, List<DocumentOps> ops, Map<String, float[]> vectors, SourceOffsets positions) {
        return write(lane, ops, vectors, positions, PreparedWrites.NONE);
    }

    /**
     * Step 1b, on the lane's own thread after {@link #vectors}: the slice's large document writes made ready ahead
     * ({@link VectorIndexWriter#prepare}: Lucene builds their vector graph apart), so that {@link #write} on the
     * single index-writer thread only adds them. Only documents with at least {@link VectorIndexWriter#prepareFrom}
     * chunks to write, and all their vectors at hand, are prepared. The caller closes the result after the write.
     */
    PreparedWrites prepare(List<DocumentOps> ops, Map<String, float[]> vectors) {
        PreparedWrites.Builder prepared = PreparedWrites.builder();
        long now = System.currentTimeMillis();
        for (BatchPlan.DocumentPlan doc : BatchPlan.of(ops).documents()) {
            List<ChunkOp> embeds = doc.ops(ChunkOp.Type.EMBED);
            if (doc.payload() == null || embeds.size() < index.prepareFrom()
                    || !embeds.stream().allMatch(op -> vectors.containsKey(op.hash()))) {
                continue;
            }
            try {
                prepared.add(doc.tenant(), doc.docId(), doc.version(), index.prepare(points(doc, vectors, now)));
            } catch (RuntimeException e) {
                // the write itself meets the same fault where it is retried or reported: preparing is only a shortcut
                LOG.debugf("preparing %d chunks of %s/%s ahead failed (%s); written without", embeds.size(), doc.tenant(),
                        doc.docId(), e);
            }
        }
        return prepared.build();
    }

    /** {@link #write(Lane, List, Map, SourceOffsets)} using what {@link #prepare} made ahead where it still fits. */
    int write(Lane lane, List<DocumentOps> ops, Map<String, float[]> vectors, SourceOffsets positions,
              PreparedWrites prepared) {
        Map<DocumentKey, Optional<DocumentMark>> marks = new HashMap<>();
        List<DocumentOps> fresh = new ArrayList<>(ops.size());
        int superseded = 0;
        for (DocumentOps o : ops) {
            Optional<DocumentMark> mark = marks.computeIfAbsent(o.key(), k -> index.documentMark(k.tenant(), k.docId()));
            if (!o.kind().positionOnly() && mark.isPresent()
                    && mark.get().supersedes(o.sourcePartition(), o.sourceOffset(), o.version())) {
                superseded++;
                LOG.debugf("%s %s/%s v%d (source %d@%d) is older than the indexed change %s: skipped", lane, o.tenant(),
                        o.docId(), o.version(), o.sourcePartition(), o.sourceOffset(), mark.get());
                continue;
            }
            fresh.add(o);
        }
        BatchPlan plan = BatchPlan.of(fresh);
        Map<String, float[]> all = new HashMap<>(vectors);
        Map<String, String> lacking = new HashMap<>(plan.textsToEmbed());
        lacking.keySet().removeAll(all.keySet());
        if (!lacking.isEmpty()) {
            int[] modelRuns = new int[1];
            all.putAll(vectorsOf(lacking, modelRuns));
            metrics.embedded(modelRuns[0]);
        }
        writePlan(plan, all, prepared);
        DeferredOffsets deferred = deferredPassed(ops);
        if (!deferred.isEmpty()) {
            // first: a query that sees the live position pass a deferred offset must also see that it was deferred
            // (recording it early only makes a token wait for the bulk lane a little sooner)
            index.commitDeferred(deferred);
        }
        index.commit(lane, positions);
        return superseded;
    }

    /** The source offsets of the deferred markers ({@link DocumentOps.Kind#DEFERRED}) among {@code ops}. */
    static DeferredOffsets deferredPassed(List<DocumentOps> ops) {
        Map<Integer, List<DeferredOffsets.Range>> passed = new HashMap<>();
        for (DocumentOps o : ops) {
            if (o.kind() == DocumentOps.Kind.DEFERRED) {
                passed.computeIfAbsent(o.sourcePartition(), p -> new ArrayList<>())
                        .add(new DeferredOffsets.Range(o.sourceOffset(), o.sourceOffset()));
            }
        }
        return new DeferredOffsets(passed);
    }

    private void writePlan(BatchPlan plan, Map<String, float[]> vectors, PreparedWrites prepared) {
        long now = System.currentTimeMillis();
        int deleted = 0;
        int missing = 0;
        int restored = 0;
        for (BatchPlan.DocumentPlan doc : plan.documents()) {
            if (doc.deleteFirst()) {
                index.deleteDocument(doc.tenant(), doc.docId(), doc.version());
            }
            List<ChunkOp> deletes = doc.ops(ChunkOp.Type.DELETE);
            if (!deletes.isEmpty()) {
                index.deletePoints(doc.tenant(), doc.docId(), deletes.stream().map(ChunkOp::chunkId).toList(), doc.version());
                deleted += deletes.size();
            }
            if (doc.payload() == null) {
                markDocument(doc);
                continue;
            }
            List<IndexPoint> points = points(doc, vectors, now);
            dev.freshrag.index.PreparedPoints ahead = prepared.matching(doc.tenant(), doc.docId(), doc.version(), points);
            if (ahead != null) {
                index.upsert(ahead);
            } else if (!points.isEmpty()) {
                index.upsert(points);
            }
            Map<String, Integer> relabel = new HashMap<>();
            Map<String, ChunkOp> relabelOps = new HashMap<>();
            for (ChunkOp op : doc.ops(ChunkOp.Type.PAYLOAD)) {
                relabel.put(op.chunkId(), op.seq());
                relabelOps.put(op.chunkId(), op);
            }
            if (!relabel.isEmpty()) {
                List<String> absent = index.updatePayload(doc.tenant(), doc.docId(), doc.payload(), relabel);
                missing += absent.size();
                restored += restore(doc, absent, relabelOps, now);
            }
            markDocument(doc);
        }
        metrics.deleted(deleted);
        if (missing > 0) {
            metrics.payloadMissing(missing);
        }
        if (restored > 0) {
            metrics.restored(restored);
        }
        if (missing > restored) {
            LOG.warnf("%d relabelled chunks are missing from the index and their relabels carry no text to embed them again",
                    missing - restored);
        }
    }

    private static List<IndexPoint> points(BatchPlan.DocumentPlan doc, Map<String, float[]> vectors, long now) {
        List<IndexPoint> points = new ArrayList<>();
        for (ChunkOp op : doc.ops(ChunkOp.Type.EMBED)) {
            points.add(new IndexPoint(doc.tenant(), doc.docId(), op.chunkId(), op.seq(), op.hash(), op.text(),
                    doc.payload(), vectors.get(op.hash()), now));
        }
        return points;
    }

    /** After the document's chunk writes: its new mark, and the end of any chunk of an older version. */
    private void markDocument(BatchPlan.DocumentPlan doc) {
        doc.mark().ifPresent(m -> index.markDocument(doc.tenant(), doc.docId(), m));
    }

    /** Embeds (cache first) and upserts the relabelled chunks the index did not hold; returns how many. */
    private int restore(BatchPlan.DocumentPlan doc, List<String> absent, Map<String, ChunkOp> relabelOps, long now) {
        Map<String, String> texts = new HashMap<>();
        List<ChunkOp> restorable = new ArrayList<>();
        for (String chunkId : absent) {
            ChunkOp op = relabelOps.get(chunkId);
            if (op != null && op.text() != null && op.hash() != null) {
                restorable.add(op);
                texts.putIfAbsent(op.hash(), op.text());
            }
        }
        if (restorable.isEmpty()) {
            return 0;
        }
        int[] modelRuns = new int[1];
        Map<String, float[]> vectors = vectorsOf(texts, modelRuns);
        metrics.embedded(modelRuns[0]);
        List<IndexPoint> points = new ArrayList<>();
        for (ChunkOp op : restorable) {
            points.add(new IndexPoint(doc.tenant(), doc.docId(), op.chunkId(), op.seq(), op.hash(), op.text(),
                    doc.payload(), vectors.get(op.hash()), now));
        }
        index.upsert(points);
        return points.size();
    }
}
