package dev.freshrag.embed.reindex;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * A reindex's progress and lag as gauges (issue 16), read from {@link Reindex#status()} at most once per second
 * (a scrape reads every gauge at once): {@code freshrag_reindex_building} (1 while a generation builds),
 * {@code freshrag_reindex_documents{kind=total|redriven|applied}}, {@code freshrag_reindex_chunks_applied},
 * {@code freshrag_reindex_lag_offsets{lane=live|bulk}} (summed over partitions: how far the building generation's
 * positions are behind the active one's) and {@code freshrag_reindex_caught_up} (1 when a switch would switch).
 */
@ApplicationScoped
@Startup
public class ReindexMetrics {

    private final Reindex reindex;
    private volatile ReindexStatus cached;
    private volatile long cachedAt;

    public ReindexMetrics(MeterRegistry registry, Reindex reindex) {
        this.reindex = reindex;
        gauge(registry, "freshrag.reindex.building", "1 while a generation is being built beside the active one", Map.of(),
                s -> s.building() != null ? 1 : 0);
        gauge(registry, "freshrag.reindex.documents", "Documents the backfill covers", Map.of("kind", "total"),
                s -> s.backfill() == null ? 0 : s.backfill().documents());
        gauge(registry, "freshrag.reindex.documents", "Documents the backfill re-drove", Map.of("kind", "redriven"),
                s -> s.backfill() == null ? 0 : s.backfill().redriven());
        gauge(registry, "freshrag.reindex.documents", "Re-driven documents the building generation applied", Map.of("kind", "applied"),
                s -> s.backfill() == null ? 0 : s.backfill().documentsApplied());
        gauge(registry, "freshrag.reindex.chunks.applied", "Chunks of re-driven documents written to the building generation",
                Map.of(), s -> s.backfill() == null ? 0 : s.backfill().chunksApplied());
        for (String lane : ReindexStatus.LANES) {
            gauge(registry, "freshrag.reindex.lag.offsets", "Offsets the building generation's positions are behind the active one's",
                    Map.of("lane", lane), s -> s.lag().getOrDefault(lane, Map.of()).values().stream().mapToLong(Long::longValue).sum());
        }
        gauge(registry, "freshrag.reindex.caught.up", "1 when the building generation is caught up (a switch would switch)",
                Map.of(), s -> s.caughtUp() ? 1 : 0);
    }

    private void gauge(MeterRegistry registry, String name, String description, Map<String, String> tags,
                       ToDoubleFunction<ReindexStatus> value) {
        Gauge.Builder<ReindexMetrics> b = Gauge.builder(name, this, m -> {
            ReindexStatus s = m.status();
            return s == null ? 0 : value.applyAsDouble(s);
        }).description(description);
        tags.forEach(b::tag);
        b.register(registry);
    }

    private ReindexStatus status() {
        long now = System.nanoTime();
        if (cached == null || now - cachedAt > 1_000_000_000L) {
            try {
                cached = reindex.status();
            } catch (RuntimeException e) {
                cached = null; // Qdrant (no reindex yet), or the index momentarily unreadable: report nothing building
            }
            cachedAt = now;
        }
        return cached;
    }
}
