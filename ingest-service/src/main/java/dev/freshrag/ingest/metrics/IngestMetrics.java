package dev.freshrag.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** The ingest-service's counters; Prometheus names end in {@code _total}. */
@ApplicationScoped
public class IngestMetrics {

    /** Stale reason: below the stored version (late, out of order, replayed). */
    public static final String STALE_OLDER = "older";
    /** Stale reason: at the stored version, which already holds it (a redelivery). */
    public static final String STALE_SAME_VERSION = "same-version";

    private final Counter applied;
    /** By reason tag; both registered at start so the series exist (at 0) before the first drop. */
    private final java.util.Map<String, Counter> stale = new java.util.HashMap<>();
    private final Counter reused;
    private final Counter planned;
    private final Counter dlq;
    private final Counter deferred;

    public IngestMetrics(MeterRegistry registry) {
        for (String reason : java.util.List.of(STALE_OLDER, STALE_SAME_VERSION)) {
            stale.put(reason, Counter.builder("freshrag.events.stale")
                    .description("Events dropped by the version guard (their version is not newer than the stored one)")
                    .tag("reason", reason).register(registry));
        }
        applied = Counter.builder("freshrag.events.applied").description("Document-change events turned into index changes").register(registry);
        reused = Counter.builder("freshrag.chunks.reused").description("Unchanged chunks kept without embedding (payload-only update)")
                .tag("stage", "ingest").register(registry);
        planned = Counter.builder("freshrag.chunks.planned").description("New or changed chunks sent to the embed-service").register(registry);
        deferred = Counter.builder("freshrag.events.deferred")
                .description("kb.doc-changes records put behind live work on kb.doc-changes.bulk (marked bulk, or of a document with deferred records waiting)")
                .register(registry);
        dlq = Counter.builder("freshrag.dlq").description("Records sent to the dead-letter topic").tag("stage", "ingest").register(registry);
    }

    /** For tests and tools that run the topology without CDI. */
    public static IngestMetrics noop() {
        return new IngestMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    public void applied() {
        applied.increment();
    }

    /** An event the version guard dropped; {@code reason} is {@link #STALE_OLDER} or {@link #STALE_SAME_VERSION}. */
    public void stale(String reason) {
        stale.get(reason).increment();
    }

    public void chunks(int embed, int reused) {
        planned.increment(embed);
        this.reused.increment(reused);
    }

    public void deadLettered() {
        dlq.increment();
    }

    /** A record the lane router deferred to kb.doc-changes.bulk. */
    public void deferred() {
        deferred.increment();
    }
}
