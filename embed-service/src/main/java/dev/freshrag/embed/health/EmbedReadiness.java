package dev.freshrag.embed.health;

import dev.freshrag.embed.config.EmbedConfig;
import dev.freshrag.embed.pipeline.ChunkOpsConsumer;
import dev.freshrag.embedding.Embedder;
import dev.freshrag.index.VectorIndexHandle;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the model is loaded, the index is open and writes are not failing. Kafka is checked by the connector. */
@Readiness
@ApplicationScoped
public class EmbedReadiness implements HealthCheck {

    private final Embedder embedder;
    private final VectorIndexHandle index;
    private final ChunkOpsConsumer consumer;
    private final int failingAfter;

    public EmbedReadiness(Embedder embedder, VectorIndexHandle index, ChunkOpsConsumer consumer, EmbedConfig config) {
        this.embedder = embedder;
        this.index = index;
        this.consumer = consumer;
        this.failingAfter = config.retry().unhealthyAfter();
    }

    @Override
    public HealthCheckResponse call() {
        boolean indexOk = index.isHealthy() && consumer.consecutiveFailures() < failingAfter;
        return HealthCheckResponse.named("embed-pipeline")
                .status(indexOk)
                .withData("model", embedder.model().id())
                .withData("executionProvider", embedder.executionProvider())
                .withData("index", index.fingerprint().modelId())
                .withData("consecutiveIndexFailures", consumer.consecutiveFailures())
                .build();
    }
}
