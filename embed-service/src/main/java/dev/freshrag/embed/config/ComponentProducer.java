package dev.freshrag.embed.config;

import dev.freshrag.embed.metrics.EmbedMetrics;
import dev.freshrag.embed.pipeline.BatchApplier;
import dev.freshrag.embed.pipeline.EmbeddingCache;
import dev.freshrag.embed.pipeline.GenerationWriters;
import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.config.EmbedderStartup;
import dev.freshrag.index.DocumentPayload;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.VectorIndexWriter;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.Generations;
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
        // once a reindex started, the plan names the active generation, and its vectors are of its own model (after a
        // switch, not the configured one): the service embeds with that one
        java.util.Optional<Generations> plan = planAtStart(config);
        Embedder embedder = plan.isPresent() ? GenerationModels.load(config.embedding(), plan.get().active().modelId())
                : EmbedderStartup.start(config.embedding(), indexModelId(config));
        embedderCloser = new OnceCloser(embedder);
        return embedder;
    }

    /**
     * With {@code freshrag.embedding.model} unset, the model the index already holds (an index from before
     * generations at the Lucene root, the collection the Qdrant alias names), so an upgrade keeps writing it with its
     * own model; empty when the model is configured (asked of the store only then) or the index is new.
     */
    private static java.util.Optional<String> indexModelId(EmbedConfig config) {
        return config.embedding().model().isPresent() ? java.util.Optional.empty()
                : IndexOpener.existingFingerprint(config.index()).map(IndexFingerprint::modelId);
    }

    void closeEmbedder(@Disposes Embedder embedder) {
        embedderCloser.close();
    }

    /** The plan read once at start (on Qdrant it is kb.generations with the alias): the beans below agree on it. */
    private java.util.Optional<Generations> startPlan;

    private synchronized java.util.Optional<Generations> planAtStart(EmbedConfig config) {
        if (startPlan == null) {
            startPlan = config.index().kind() == dev.freshrag.index.select.IndexKind.LUCENE ? IndexOpener.plan(config.index())
                    : dev.freshrag.embed.reindex.GenerationPlan.atStart(config, org.eclipse.microprofile.config.ConfigProvider
                            .getConfig().getValue("kafka.bootstrap.servers", String.class));
        }
        return startPlan;
    }

    /** The CDI embedder and index also close when their generation is dropped; whichever comes first closes them. */
    private volatile OnceCloser embedderCloser;
    private volatile OnceCloser indexCloser;

    /** Closes its resource once, however often it is asked to. */
    static final class OnceCloser implements AutoCloseable {
        private final AutoCloseable resource;
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

        OnceCloser(AutoCloseable resource) {
            this.resource = resource;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                try {
                    resource.close();
                } catch (Exception e) {
                    LOG.warnf("closing %s: %s", resource, e.toString());
                }
            }
        }
    }

    @Produces
    @ApplicationScoped
    @Startup
    VectorIndexWriter index(EmbedConfig config, Embedder embedder) {
        IndexFingerprint fingerprint = new IndexFingerprint(embedder.model().id(), embedder.model().dimension());
        LOG.infof("opening the %s as its %s", IndexOpener.describe(config.index()), "writer");
        // once a reindex started, the plan names the active generation: its writer is pinned to it (after a switch
        // it is no longer the root / the first collection), and it must hold this service's model
        java.util.Optional<Generations> plan = planAtStart(config);
        VectorIndexWriter index = plan.isPresent() ? IndexOpener.openWriter(config.index(), plan.get().active())
                : IndexOpener.openWriter(config.index(), fingerprint);
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
        indexCloser = new OnceCloser(index);
        return index;
    }

    void closeIndex(@Disposes VectorIndexWriter index) {
        indexCloser.close();
    }

    /**
     * The generations written: the active one (the plan's, or generation 1 where no plan exists yet: an index from
     * before generations, or Qdrant, whose alias is not read here).
     */
    @Produces
    @ApplicationScoped
    GenerationWriters generations(BatchApplier applier, VectorIndexWriter index, EmbedConfig config, EmbedMetrics metrics) {
        java.util.Optional<Generations> plan = planAtStart(config);
        // without a plan: generation 1, or on Qdrant the one whose collection the alias named at open
        String activeId = plan.map(p -> p.active().id()).orElseGet(() -> Generation.id(index.generationNumber().orElse(1)));
        OnceCloser embedderOnce = embedderCloser;
        OnceCloser indexOnce = indexCloser;
        GenerationWriters generations = new GenerationWriters(new GenerationWriters.Writer(activeId, applier, index, () -> {
            indexOnce.close();
            embedderOnce.close();
        }));
        // a reindex under way (or a previous generation kept for rollback) is written again from here: the lanes
        // resume from their committed offsets in each generation
        java.util.Optional<Generation> second = plan.flatMap(p -> p.building().or(p::previous));
        // a generation of a re-chunking reindex takes only its own (tagged) chunk operations, from its first write on
        plan.ifPresent(p -> p.generations().stream().filter(g -> IngestChunking.apart(config, g))
                .forEach(g -> generations.chunkApart(g.id())));
        second.ifPresent(g -> generations.openSecond(openWriter(config, g, metrics)));
        return generations;
    }

    /** A writer of {@code generation} with its own model: a building or previous generation beside the active one. */
    public static GenerationWriters.Writer openWriter(EmbedConfig config, Generation generation, EmbedMetrics metrics) {
        LOG.infof("opening generation %s (%s) of the %s beside the active one", generation.id(), generation.modelId(),
                IndexOpener.describe(config.index()));
        Embedder embedder = GenerationModels.load(config.embedding(), generation.modelId());
        VectorIndexWriter index;
        try {
            index = IndexOpener.openWriter(config.index(), generation);
        } catch (RuntimeException e) {
            embedder.close();
            throw e;
        }
        BatchApplier applier = new BatchApplier(embedder, index, new EmbeddingCache(config.embedding().cacheEntries()), metrics);
        return new GenerationWriters.Writer(generation.id(), applier, index, () -> {
            index.close();
            metrics.modelClosed(embedder); // its runs stay counted; the metrics let go of it
            embedder.close();
        });
    }

    void closeGenerations(@Disposes GenerationWriters generations) {
        generations.closeAll();
    }

    @Produces
    @ApplicationScoped
    BatchApplier applier(Embedder embedder, VectorIndexWriter index, EmbedConfig config, EmbedMetrics metrics) {
        return new BatchApplier(embedder, index, new EmbeddingCache(config.embedding().cacheEntries()), metrics);
    }
}
