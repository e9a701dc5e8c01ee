package dev.freshrag.embed.pipeline;

import dev.freshrag.embed.config.EmbedConfig;
import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.config.EmbedderStartup;
import io.quarkus.runtime.Startup;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/**
 * In the {@code @QuarkusTest} application (not in the packaged one the ITs run), the model is the real one wrapped in
 * a {@link FaultInjectingEmbedder}: it fails only when a test says so, so every other test sees the real model.
 */
@ApplicationScoped
public class FaultInjectingEmbedderProducer {

    @Produces
    @Alternative
    @Priority(1)
    @ApplicationScoped
    @Startup
    FaultInjectingEmbedder embedder(EmbedConfig config) {
        return new FaultInjectingEmbedder(EmbedderStartup.start(config.embedding()));
    }

    void close(@Disposes FaultInjectingEmbedder embedder) {
        embedder.closeReal();
    }
}
