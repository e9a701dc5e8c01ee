package dev.freshrag.embed.pipeline;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.ModelInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Stands for a model that is slow sometimes (a GPU busy with another batch, a remote server under load), which the
 * real model cannot be made to be on demand: the scale-out test needs rebalances to land in the middle of batches.
 * Vectors are derived from the text's hash (unit length, deterministic); each call first sleeps what
 * {@code delayMillis} says.
 */
final class SlowEmbedderDouble implements Embedder {

    static final ModelInfo MODEL = new ModelInfo("slow-embedder-double", 8, 256);

    private final LongSupplier delayMillis;

    SlowEmbedderDouble(LongSupplier delayMillis) {
        this.delayMillis = delayMillis;
    }

    @Override
    public ModelInfo model() {
        return MODEL;
    }

    @Override
    public float[][] embed(List<String> texts) {
        try {
            Thread.sleep(delayMillis.getAsLong());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < out.length; i++) {
            byte[] b = texts.get(i).getBytes(StandardCharsets.UTF_8);
            float[] v = new float[MODEL.dimension()];
            double norm = 0;
            for (int d = 0; d < v.length; d++) {
                int h = 17 * (d + 1);
                for (byte x : b) {
                    h = 31 * h + x;
                }
                v[d] = (h % 1000) / 1000f + 0.001f;
                norm += v[d] * v[d];
            }
            for (int d = 0; d < v.length; d++) {
                v[d] /= (float) Math.sqrt(norm);
            }
            out[i] = v;
        }
        return out;
    }

    @Override
    public String executionProvider() {
        return "CPU";
    }

    @Override
    public void close() {
    }
}
