package dev.freshrag.query.generation;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code freshrag_generation_info{generation,model,state}} = 1: which generation this replica searches, in the
 * Prometheus "info" style, so dashboards and alerts can join on it (two values of {@code generation} across replicas
 * mean a switch has not reached every replica).
 */
@ApplicationScoped
@Startup
public class GenerationMetrics {

    public GenerationMetrics(MeterRegistry meters, ServedGeneration served) {
        Gauge.builder("freshrag.generation.info", () -> 1)
                .description("the index generation this query-service searches (value always 1)")
                .tag("generation", served.id())
                .tag("model", served.model())
                .tag("state", served.state())
                .register(meters);
    }
}
