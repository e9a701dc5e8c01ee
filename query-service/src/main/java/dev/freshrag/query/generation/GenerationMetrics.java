package dev.freshrag.query.generation;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code freshrag_generation_info{generation,model,state}} = 1: which generation this replica searches, in the
 * Prometheus "info" style, so dashboards and alerts can join on it (two values of {@code generation} across replicas
 * mean a switch has not reached every replica). After a switch the old generation's series is removed rather than set
 * to 0: one series per replica, so a join never needs a {@code == 1} filter.
 */
@ApplicationScoped
@Startup
public class GenerationMetrics {

    private final MeterRegistry meters;
    private Gauge gauge;

    public GenerationMetrics(MeterRegistry meters, ServingGenerations sets) {
        this.meters = meters;
        this.gauge = register(sets.served());
    }

    synchronized void onSwitch(@Observes GenerationSwitched switched) {
        meters.remove(gauge);
        gauge = register(switched.to());
    }

    private Gauge register(ServedGeneration served) {
        return Gauge.builder("freshrag.generation.info", () -> 1)
                .description("the index generation this query-service searches (value always 1)")
                .tag("generation", served.id())
                .tag("model", served.model())
                .tag("state", served.state())
                .register(meters);
    }
}
