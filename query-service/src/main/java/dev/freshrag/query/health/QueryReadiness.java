package dev.freshrag.query.health;

import dev.freshrag.query.generation.ServedGeneration;
import dev.freshrag.query.generation.ServingGenerations;
import dev.freshrag.query.generation.ServingSet;
import dev.freshrag.query.generation.SwitchFailure;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the query model is loaded and the index is open with a matching fingerprint; says which generation,
 * model and chunking serve. A switch that failed leaves the service ready (it serves a consistent generation) and is
 * reported: {@code switchFailedTo} and {@code switchFailure}.
 */
@Readiness
@ApplicationScoped
public class QueryReadiness implements HealthCheck {

    private final ServingGenerations sets;

    public QueryReadiness(ServingGenerations sets) {
        this.sets = sets;
    }

    @Override
    public HealthCheckResponse call() {
        try (ServingSet set = sets.acquire()) {
            ServedGeneration served = set.served();
            HealthCheckResponseBuilder b = HealthCheckResponse.named("query-index")
                    .status(set.reader().isHealthy())
                    .withData("model", set.embedder().model().id())
                    .withData("executionProvider", set.embedder().executionProvider())
                    .withData("generation", served.id())
                    .withData("generationState", served.state())
                    .withData("chunkMaxTokens", served.chunkMaxTokens() == null ? "unknown" : served.chunkMaxTokens().toString());
            sets.lastFailure().ifPresent((SwitchFailure f) -> b
                    .withData("switchFailedTo", f.target().id() + " (" + f.target().model() + ")")
                    .withData("switchFailure", f.reason() + " at " + f.at()));
            return b.build();
        }
    }
}
