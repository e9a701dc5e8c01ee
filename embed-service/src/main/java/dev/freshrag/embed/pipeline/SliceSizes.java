package dev.freshrag.embed.pipeline;

import dev.freshrag.embed.config.EmbedConfig;
import dev.freshrag.index.Lane;

/**
 * How much work the next slice and each of its model calls take, from {@code freshrag.batching.*} and the model's
 * recent speed. Two bounds meet here: a live edit must not wait long for work already started (slices and calls cut
 * small while it may come), and the model must not lose throughput to tiny calls and commits when nobody waits.
 */
final class SliceSizes {

    /** Fewer chunks per model call cost more in call overhead than they save in waiting. */
    static final int LIVE_MIN_CHUNKS = 4;
    /** Two texts per bulk call at least: the embedder works through a call on both cores. */
    static final int BULK_MIN_CALL_TEXTS = 2;

    private final EmbedConfig.Batching batching;
    private final EmbedRate rate;
    private final boolean resumable;

    /**
     * @param resumable whether a live slice given up between two model calls keeps what it embedded (the embedding
     *                  cache is on): only then may a live slice grow while one tenant is alone
     */
    SliceSizes(EmbedConfig.Batching batching, EmbedRate rate, boolean resumable) {
        this.batching = batching;
        this.rate = rate;
        this.resumable = resumable;
    }

    /**
     * Chunks to embed in the next live slice. One tenant alone (a flood, a backlog): {@code max-chunks}, for fewer
     * commits and segments (a tenant arriving meanwhile preempts the slice between two calls). Several tenants: what
     * the model embeds in {@code live-slice-time}, so each waits about that long per slice of the others.
     */
    int liveSlice(int tenantsWaiting) {
        if (resumable && tenantsWaiting <= 1) {
            return batching.maxChunks();
        }
        return liveCall();
    }

    /** Texts per live model call: what the model embeds in {@code live-slice-time}, the most an arriving tenant waits. */
    int liveCall() {
        return rate.chunksIn(batching.liveSliceTime(), LIVE_MIN_CHUNKS, batching.maxChunks());
    }

    /** Chunks to embed in the next bulk slice: small while live work is around, larger in a pure backlog. */
    int bulkSlice(boolean liveRecentlyActive) {
        return liveRecentlyActive ? batching.minChunks() : batching.bulkMaxChunks();
    }

    /**
     * Texts per bulk model call: what the model embeds in {@code bulk-call-time} while live work is around (a live edit
     * waits for the bulk call in progress, not for the slice), the whole slice in one call in a pure backlog.
     */
    int bulkCall(boolean liveRecentlyActive) {
        return liveRecentlyActive
                ? rate.chunksIn(batching.bulkCallTime(), BULK_MIN_CALL_TEXTS, batching.maxChunks()) : Integer.MAX_VALUE;
    }

    /** Texts per model call of {@code lane}. */
    int call(Lane lane, boolean liveRecentlyActive) {
        return lane == Lane.LIVE ? liveCall() : bulkCall(liveRecentlyActive);
    }
}
