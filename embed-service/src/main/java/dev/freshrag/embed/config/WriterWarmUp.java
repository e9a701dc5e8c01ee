package dev.freshrag.embed.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexPoint;
import dev.freshrag.index.PreparedPoints;
import dev.freshrag.index.VectorIndexWriter;

/**
 * Runs the index's write path once at start, before readiness, on points that are never written: the first write of a
 * freshly started embed-service otherwise pays for loading and compiling the store's flush path (Lucene: the codec, the
 * HNSW graph builder, the segment writer), measured at 0.4-1.2 s for a one-chunk document right after a restart
 * against 20-90 ms warm. {@link VectorIndexWriter#prepare} builds such points into a segment of their own in memory
 * (where the store does that at all) and the prepared write is dropped unused, so the index does not change.
 */
final class WriterWarmUp {

    /** Enough points for the store to build a segment of its own, and no more (Lucene: 1,000, about a second here). */
    private static final int MAX_POINTS = 2_000;

    private WriterWarmUp() {
    }

    /** @return how many points were prepared (0 where the store prepares nothing ahead, like Qdrant) */
    static int run(VectorIndexWriter index, int dimension) {
        int count = index.prepareFrom();
        if (count > MAX_POINTS) {
            return 0;
        }
        SplittableRandom random = new SplittableRandom(42);
        DocumentPayload payload = new DocumentPayload(1, "warm-up", Map.of());
        List<IndexPoint> points = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            points.add(new IndexPoint("_warmup", "warmup", "warmup-" + i, i, "h" + i, "warm up " + i, payload,
                    unitVector(random, dimension), 0));
        }
        try (PreparedPoints prepared = index.prepare(points)) {
            return prepared.points().size();
        }
    }

    private static float[] unitVector(SplittableRandom random, int dimension) {
        float[] v = new float[dimension];
        double norm = 0;
        for (int i = 0; i < dimension; i++) {
            v[i] = (float) random.nextGaussian();
            norm += v[i] * v[i];
        }
        float inverse = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimension; i++) {
            v[i] *= inverse;
        }
        return v;
    }
}
