package dev.freshrag.embed.health;

import dev.freshrag.embed.config.EmbedConfig;
import dev.freshrag.embed.pipeline.ChunkOpsConsumer;
import dev.freshrag.embed.pipeline.TransientFaultRetry;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN while the embedding model keeps failing (CUDA out of memory, a stuck GPU): the batch is being retried with
 * its partitions paused, so nothing is applied until the model recovers. Index failures are reported by
 * {@link EmbedReadiness}; this check adds the model, with the same threshold ({@code freshrag.retry.unhealthy-after}).
 */
@Readiness
@ApplicationScoped
public class EmbedFaultReadiness implements HealthCheck {

    static final String NAME = "embed-model";

    private final ChunkOpsConsumer consumer;
    private final int failingAfter;

    public EmbedFaultReadiness(ChunkOpsConsumer consumer, EmbedConfig config) {
        this.consumer = consumer;
        this.failingAfter = config.retry().unhealthyAfter();
    }

    @Override
    public HealthCheckResponse call() {
        return evaluate(consumer.retry(), failingAfter);
    }

    /** The response for a retry state; separate so that tests can drive it without the application. */
    public static HealthCheckResponse evaluate(TransientFaultRetry retry, int failingAfter) {
        int failures = retry.consecutiveFailures(TransientFaultRetry.Stage.MODEL);
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME)
                .status(failures < failingAfter)
                .withData("consecutiveModelFailures", failures);
        String last = retry.lastError();
        if (last != null) {
            b.withData("lastError", last);
        }
        return b.build();
    }
}
