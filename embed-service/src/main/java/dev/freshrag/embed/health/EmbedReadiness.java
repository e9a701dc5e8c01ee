package dev.freshrag.embed.health;

import dev.freshrag.embed.config.EmbedConfig;
import dev.freshrag.embed.pipeline.ChunkOpsConsumer;
import dev.freshrag.embedding.Embedder;
import dev.freshrag.index.VectorIndexHandle;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when the model is loaded, the index is open, writes are not failing and the consumer holds kb.chunk-ops
 * partitions (so a write made now will be processed). The broker connection is checked by the connector.
 */
@Readiness
@ApplicationScoped
public class EmbedReadiness implements HealthCheck {

    private final Embedder embedder;
    private final VectorIndexHandle index;
    private final ChunkOpsConsumer consumer;
    private final ChunkOpsAssignment assignment;
    private final int failingAfter;

    public EmbedReadiness(Embedder embedder, VectorIndexHandle index, ChunkOpsConsumer consumer,
                          @Identifier(ChunkOpsAssignment.NAME) ChunkOpsAssignment assignment,
                          EmbedConfig config) {
        this.embedder = embedder;
        this.index = index;
        this.consumer = consumer;
        this.assignment = assignment;
        this.failingAfter = config.retry().unhealthyAfter();
    }

    @Override
    public HealthCheckResponse call() {
        boolean indexOk = index.isHealthy() && consumer.consecutiveFailures() < failingAfter;
        int partitions = assignment.assignedPartitions();
        return HealthCheckResponse.named("embed-pipeline")
                .status(isReady(indexOk, partitions))
                .withData("model", embedder.model().id())
                .withData("executionProvider", embedder.executionProvider())
                .withData("index", index.fingerprint().modelId())
                .withData("consecutiveIndexFailures", consumer.consecutiveFailures())
                .withData("assignedPartitions", partitions)
                .build();
    }

    /** A consumer with no partition (waiting for its assignment, or more replicas than partitions) does no work. */
    static boolean isReady(boolean indexOk, int assignedPartitions) {
        return indexOk && assignedPartitions > 0;
    }
}
