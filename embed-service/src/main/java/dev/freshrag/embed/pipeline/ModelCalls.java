package dev.freshrag.embed.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Embeds one slice's texts in model calls of at most a given number of texts, giving the {@link LaneScheduler}'s turn
 * back between two calls. A slice is cut at record boundaries and one PEP revision alone can hold a hundred chunks to
 * embed (about 8 s on two CPU cores), so a live edit that arrives during a bulk slice would wait for all of it; with
 * the turn given back between calls it waits for the call in progress only (the bulk lane does not get the turn back
 * while live work is pending). A slice may also be given up between two calls ({@code preempt}): what was embedded
 * stays in the embedding cache, so cutting the slice again costs the model nothing for it.
 */
final class ModelCalls {

    /** One model call: vectors for texts by content hash (the retry of model faults is inside). */
    interface Model {
        Map<String, float[]> embed(Map<String, String> textsByHash);
    }

    /** The scheduler's turn of the calling lane: held when {@link #embed} is called and when it returns. */
    interface Turn {
        void release();

        void acquire() throws InterruptedException;
    }

    private final Model model;
    private final Turn turn;
    private final LongSupplier nanoClock;
    private final EmbedRate rate;

    ModelCalls(Model model, Turn turn, LongSupplier nanoClock, EmbedRate rate) {
        this.model = model;
        this.turn = turn;
        this.nanoClock = nanoClock;
        this.rate = rate;
    }

    /**
     * Vectors for {@code texts} (those the cache lacks), at most {@code perCall} texts per model call; between two
     * calls the turn is given back and taken again, and the slice is given up when {@code preempt} says so.
     *
     * @return every vector, or null when the slice was given up
     */
    Map<String, float[]> embed(Map<String, String> texts, int perCall, BooleanSupplier preempt) throws InterruptedException {
        Map<String, float[]> vectors = new HashMap<>();
        List<Map<String, String>> calls = split(texts, perCall);
        for (int i = 0; i < calls.size(); i++) {
            if (i > 0) {
                turn.release();
                turn.acquire();
                if (preempt.getAsBoolean()) {
                    return null;
                }
            }
            long start = nanoClock.getAsLong();
            vectors.putAll(model.embed(calls.get(i)));
            rate.observed(calls.get(i).size(), Duration.ofNanos(nanoClock.getAsLong() - start));
        }
        return vectors;
    }

    /** The texts in calls of at most {@code perCall} (at least one per call), in their order. */
    static List<Map<String, String>> split(Map<String, String> texts, int perCall) {
        int size = Math.max(1, perCall);
        List<Map<String, String>> calls = new ArrayList<>();
        Map<String, String> call = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : texts.entrySet()) {
            call.put(e.getKey(), e.getValue());
            if (call.size() == size) {
                calls.add(call);
                call = new LinkedHashMap<>();
            }
        }
        if (!call.isEmpty()) {
            calls.add(call);
        }
        return calls;
    }
}
