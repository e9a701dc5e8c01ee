package dev.freshrag.embed.pipeline;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.EmbeddingRejectedException;
import dev.freshrag.embedding.ModelInfo;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real model, except that its next {@code failures} calls to {@link #embed(List)} throw as a GPU out of memory
 * would. It stands in for a transient model fault, which the real model cannot be made to produce on demand.
 */
public final class FaultInjectingEmbedder implements Embedder {

    private final Embedder real;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile String rejectMarker;
    /** The texts of every call, in call order (call n at index n - 1): tests find which slice embedded a record. */
    private final List<List<String>> texts = new java.util.concurrent.CopyOnWriteArrayList<>();

    public FaultInjectingEmbedder(Embedder real) {
        this.real = real;
    }

    /** Calls to {@link #embed(List)} so far, failed ones included (a method: a CDI client proxy has no fields). */
    public int calls() {
        return calls.get();
    }

    /**
     * The number (1-based, as {@link #calls()} counts) of the first call whose texts include one containing
     * {@code marker}; -1 if none did.
     */
    public int callEmbedding(String marker) {
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i).stream().anyMatch(t -> t.contains(marker))) {
                return i + 1;
            }
        }
        return -1;
    }

    /** The next {@code n} calls fail. */
    public void failNext(int n) {
        failures.set(n);
    }

    /**
     * Calls with a text containing {@code marker} are refused as a remote embedding server refuses an input (HTTP
     * 413, deterministic: every retry gets the same answer); null turns it off.
     */
    public void rejectTextsContaining(String marker) {
        rejectMarker = marker;
    }

    @Override
    public float[][] embed(List<String> texts) {
        synchronized (this.texts) { // call n's texts at index n - 1
            calls.incrementAndGet();
            this.texts.add(List.copyOf(texts));
        }
        String marker = rejectMarker;
        if (marker != null && texts.stream().anyMatch(t -> t.contains(marker))) {
            throw new EmbeddingRejectedException(413, "injected: POST /embed answered 413: Validation: Input validation"
                    + " error: `inputs` must have less than 256 tokens. Given: 300");
        }
        if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IllegalStateException("injected: CUDA out of memory (ONNX Runtime BFCArena)");
        }
        return real.embed(texts);
    }

    @Override
    public ModelInfo model() {
        return real.model();
    }

    @Override
    public String executionProvider() {
        return real.executionProvider();
    }

    @Override
    public void close() {
        // the real model belongs to whoever made it: the test, or FaultInjectingEmbedderProducer (closeReal)
    }

    void closeReal() {
        real.close();
    }
}
