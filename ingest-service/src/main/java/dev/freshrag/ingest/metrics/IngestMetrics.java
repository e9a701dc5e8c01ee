package dev.freshrag.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/** The ingest-service's counters; Prometheus names end in {@code _total}. */
@ApplicationScoped
public class IngestMetrics {

    private final Counter applied;
    private final Counter stale;
    private final Counter reused;
    private final Counter planned;
    private final Counter dlq;

    public IngestMetrics(MeterRegistry registry) {
        applied = Counter.builder("freshrag.events.applied").description("Document-change events turned into index changes").register(registry);
        stale = Counter.builder("freshrag.events.stale").description("Events dropped because their version is not newer than the stored one").register(registry);
        reused = Counter.builder("freshrag.chunks.reused").description("Unchanged chunks kept without embedding (payload-only update)")
                .tag("stage", "ingest").register(registry);
        planned = Counter.builder("freshrag.chunks.planned").description("New or changed chunks sent to the embed-service").register(registry);
        dlq = Counter.builder("freshrag.dlq").description("Records sent to the dead-letter topic").tag("stage", "ingest").register(registry);
    }

    /** For tests and tools that run the topology without CDI. */
    public static IngestMetrics noop() {
        return new IngestMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    }

    public void applied() {
        applied.increment();
    }

    public void stale() {
        stale.increment();
    }

    public void chunks(int embed, int reused) {
        planned.increment(embed);
        this.reused.increment(reused);
    }

    public void deadLettered() {
        dlq.increment();
    }
}
