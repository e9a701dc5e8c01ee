package dev.freshrag.query.health;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.index.VectorIndexHandle;
import dev.freshrag.query.generation.ServedGeneration;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the query model is loaded and the index is open with a matching fingerprint; says which generation,
 * model and chunking serve.
 */
@Readiness
@ApplicationScoped
public class QueryReadiness implements HealthCheck {

    private final Embedder embedder;
    private final VectorIndexHandle index;
    private final ServedGeneration served;

    public QueryReadiness(Embedder embedder, VectorIndexHandle index, ServedGeneration served) {
        this.embedder = embedder;
        this.index = index;
        this.served = served;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("query-index")
                .status(index.isHealthy())
                .withData("model", embedder.model().id())
                .withData("executionProvider", embedder.executionProvider())
                .withData("generation", served.id())
                .withData("generationState", served.state())
                .withData("chunkMaxTokens", served.chunkMaxTokens() == null ? "unknown" : served.chunkMaxTokens().toString())
                .build();
    }
}
