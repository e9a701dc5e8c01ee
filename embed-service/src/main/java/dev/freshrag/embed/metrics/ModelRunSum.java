package dev.freshrag.embed.metrics;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.ModelRunTotals;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The model runs of every embedder of one model this process loaded: the open ones, read live, plus what the closed
 * ones ran, kept as totals. A counter's value only grows, so a closed embedder's runs must stay counted; keeping the
 * embedder itself for that would keep its tokenizer and session wrapper for the life of the process, one per reindex.
 */
final class ModelRunSum {

    private final Set<Embedder> open = Collections.newSetFromMap(new IdentityHashMap<>());
    private ModelRunTotals closed = ModelRunTotals.ZERO;

    synchronized void add(Embedder embedder) {
        open.add(embedder);
    }

    /** Folds {@code embedder}'s runs into the closed totals and lets go of it; call before closing it. */
    synchronized void retire(Embedder embedder) {
        if (open.remove(embedder)) {
            closed = closed.plus(embedder.runTotals().orElse(ModelRunTotals.ZERO));
        }
    }

    synchronized ModelRunTotals totals() {
        ModelRunTotals sum = closed;
        for (Embedder e : open) {
            sum = sum.plus(e.runTotals().orElse(ModelRunTotals.ZERO));
        }
        return sum;
    }

    synchronized int openEmbedders() {
        return open.size();
    }
}
