package dev.freshrag.embed.config;

import dev.freshrag.embed.metrics.EmbedMetrics;
import dev.freshrag.embed.pipeline.BatchApplier;
import dev.freshrag.embed.pipeline.EmbeddingCache;
import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.config.EmbedderStartup;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.VectorIndexWriter;
import dev.freshrag.index.select.IndexOpener;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

/**
 * Builds the embed-service's parts from configuration: the model, the index (the single writer), the
 * cache and the applier. Thin wrappers injected as beans so tests can see and replace them.
 */
@ApplicationScoped
public class ComponentProducer {

    private static final Logger LOG = Logger.getLogger(ComponentProducer.class);

    @Produces
    @ApplicationScoped
    @Startup
    Embedder embedder(EmbedConfig config) {
        return EmbedderStartup.start(config.embedding());
    }

    void closeEmbedder(@Disposes Embedder embedder) {
        embedder.close();
    }

    @Produces
    @ApplicationScoped
    @Startup
    VectorIndexWriter index(EmbedConfig config, Embedder embedder) {
        IndexFingerprint fingerprint = new IndexFingerprint(embedder.model().id(), embedder.model().dimension());
        LOG.infof("opening the %s as its %s", IndexOpener.describe(config.index()), "writer");
        VectorIndexWriter index = IndexOpener.openWriter(config.index(), fingerprint);
        try {
            // load the parser and the fold once now, not on the first batch of a running pipeline
            dev.freshrag.events.DocumentOps sample = new dev.freshrag.events.DocumentOps("_warmup", "warmup", 1,
                    dev.freshrag.events.DocumentOps.Kind.APPLY, "t", java.util.Map.of(),
                    java.util.List.of(dev.freshrag.events.ChunkOp.embed("id", 0, "h", "text")), 1, 0, 0);
            dev.freshrag.embed.pipeline.BatchPlan.of(java.util.List.of(dev.freshrag.events.EventJson.readDocumentOps(
                    dev.freshrag.events.EventJson.write(sample)))).textsToEmbed();
            // the read a payload update makes, on a chunk that cannot exist: it changes nothing
            index.updatePayload("_warmup", "warmup", new DocumentPayload(1, null, java.util.Map.of()), java.util.Map.of("_warmup", 0));
            // the flush path the first real write would load and compile (points never written, see WriterWarmUp)
            LOG.debugf("warm-up: %d points prepared", WriterWarmUp.run(index, fingerprint.dimension()));
        } catch (RuntimeException e) {
            LOG.debugf("warm-up skipped: %s", e.toString());
        }
        return index;
    }

    void closeIndex(@Disposes VectorIndexWriter index) {
        index.close();
    }

    @Produces
    @ApplicationScoped
    BatchApplier applier(Embedder embedder, VectorIndexWriter index, EmbedConfig config, EmbedMetrics metrics) {
        return new BatchApplier(embedder, index, new EmbeddingCache(config.embedding().cacheEntries()), metrics);
    }
}
