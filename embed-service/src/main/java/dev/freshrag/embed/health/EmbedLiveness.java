package dev.freshrag.embed.health;

import dev.freshrag.index.VectorIndexWriter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * The backstop for an index writer that failed beyond repair inside this process (a Lucene writer that hit a fatal
 * error and could not be reopened): DOWN, so the orchestrator restarts the service, which replays the unacknowledged
 * batches. A merely unreachable store (Qdrant down) keeps liveness UP: a restart would not help, readiness says it.
 */
@Liveness
@ApplicationScoped
public class EmbedLiveness implements HealthCheck {

    private final VectorIndexWriter index;

    public EmbedLiveness(VectorIndexWriter index) {
        this.index = index;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("embed-index-writer").status(!index.isBroken()).build();
    }
}
