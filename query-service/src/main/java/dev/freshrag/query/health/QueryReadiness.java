package dev.freshrag.query.health;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.index.VectorIndexHandle;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the query model is loaded and the index is open with a matching fingerprint. */
@Readiness
@ApplicationScoped
public class QueryReadiness implements HealthCheck {

    private final Embedder embedder;
    private final VectorIndexHandle index;

    public QueryReadiness(Embedder embedder, VectorIndexHandle index) {
        this.embedder = embedder;
        this.index = index;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("query-index")
                .status(index.isHealthy())
                .withData("model", embedder.model().id())
                .withData("executionProvider", embedder.executionProvider())
                .build();
    }
}
