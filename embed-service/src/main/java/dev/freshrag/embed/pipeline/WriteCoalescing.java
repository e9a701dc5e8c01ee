package dev.freshrag.embed.pipeline;

import java.time.Duration;

/**
 * Whether slices already embedded wait for the next one, to be written and committed together
 * ({@code freshrag.batching.backlog-commit-interval}). A commit costs the same whether it holds one slice or five: a
 * Lucene flush into a new segment, later merges of that segment's vector graph, and a reader reopen in every
 * query-service. While several tenants load at once, the live lane cuts a slice every few hundred milliseconds (each
 * tenant waits one slice per turn); committing each of them cost the stack several percent of the CPU the model could
 * have had. Only a backlog waits: when a tenant in the last slice has nothing more queued, that slice may hold an edit
 * someone is waiting for, and everything held is written at once.
 */
final class WriteCoalescing {

    private final long intervalNanos;

    WriteCoalescing(Duration interval) {
        this.intervalNanos = Math.max(0, interval.toNanos());
    }

    /**
     * @param heldSinceNanos     when the oldest slice held was embedded ({@link System#nanoTime()})
     * @param nowNanos           now
     * @param tenantsStillQueued whether every tenant of the last slice still has records queued behind it
     * @return true: keep the slices and embed the next one first; false: write them now
     */
    boolean hold(long heldSinceNanos, long nowNanos, boolean tenantsStillQueued) {
        return tenantsStillQueued && !due(heldSinceNanos, nowNanos);
    }

    /** Whether slices held since {@code heldSinceNanos} have waited their longest and are written now. */
    boolean due(long heldSinceNanos, long nowNanos) {
        return nowNanos - heldSinceNanos >= intervalNanos;
    }
}
