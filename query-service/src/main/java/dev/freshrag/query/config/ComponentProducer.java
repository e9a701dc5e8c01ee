package dev.freshrag.query.config;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.config.EmbedderStartup;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.VectorIndexReader;
import dev.freshrag.index.generation.Generations;
import dev.freshrag.index.qdrant.QdrantAliasTargets;
import dev.freshrag.index.select.IndexKind;
import dev.freshrag.index.select.QdrantAliasWatch;
import dev.freshrag.query.generation.FollowingIndexReader;
import dev.freshrag.query.generation.GenerationSource;
import dev.freshrag.query.generation.GenerationSwitched;
import dev.freshrag.query.generation.GenerationWatchConfig;
import dev.freshrag.query.generation.GenerationWatcher;
import dev.freshrag.query.generation.LucenePointerSource;
import dev.freshrag.query.generation.QdrantAliasSource;
import dev.freshrag.query.generation.QueryModels;
import dev.freshrag.query.generation.ServedGeneration;
import dev.freshrag.query.generation.ServingGenerations;
import dev.freshrag.query.generation.ServingSet;
import java.time.Clock;
import java.util.Optional;
import dev.freshrag.index.select.IndexOpener;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * The query-service's start-time model, the generations it serves (model and reader together, followed across
 * switches) and the read-only view of the index the rest of the service injects.
 */
@ApplicationScoped
public class ComponentProducer {

    private static final Logger LOG = Logger.getLogger(ComponentProducer.class);

    @Produces
    @ApplicationScoped
    @Startup
    Embedder embedder(QueryConfig config) {
        // with freshrag.embedding.model unset, the model the index already holds (else the one a new index gets), so
        // an index built before the default changed is still served; a configured model is loaded as configured
        Optional<String> indexModel = config.embedding().model().isPresent() ? Optional.empty()
                : IndexOpener.existingFingerprint(config.index()).map(IndexFingerprint::modelId);
        return EmbedderStartup.start(config.embedding(), indexModel);
    }

    void closeEmbedder(@Disposes Embedder embedder) {
        embedder.close();
    }

    private static IndexFingerprint fingerprint(Embedder embedder) {
        return new IndexFingerprint(embedder.model().id(), embedder.model().dimension());
    }

    /**
     * The served generation, starting with the active one where the store names it (the Lucene plan's, the collection
     * the Qdrant alias names), embedded with its model: {@code freshrag.embedding.model}'s when they agree, else that
     * generation's model, loaded here (a service restarted after a switch serves what the store says). Without a
     * plan, the one index (Lucene's root) as before generations, refused if it holds another model's vectors.
     */
    @Produces
    @Singleton // not proxied: a request takes its set once from it
    @Startup
    ServingGenerations servingGenerations(QueryConfig config, Embedder embedder, Event<GenerationSwitched> switched) {
        IndexFingerprint configured = fingerprint(embedder);
        Optional<Generations> plan = IndexOpener.plan(config.index());
        IndexFingerprint active = plan.map(p -> p.active().fingerprint()).orElseGet(() -> aliasModel(config).orElse(configured));
        QueryModels models = new QueryModels(config.embedding(), embedder);
        if (!active.equals(configured)) {
            LOG.warnf("freshrag.embedding.model is %s, but the active index generation holds %s vectors: serving it "
                    + "with %s (set freshrag.embedding.model to it to skip the extra model)", configured.modelId(),
                    active.modelId(), active.modelId());
        }
        Embedder model = models.acquire(active); // the configured embedder when they agree; refused if not loadable
        try {
            LOG.infof("opening the %s as its %s%s", IndexOpener.describe(config.index()), "reader",
                    plan.map(p -> ", generation " + p.active().id()).orElse(""));
            VectorIndexReader index = plan.isPresent()
                    ? IndexOpener.openReader(config.index(), plan.get().active())
                    : IndexOpener.openReader(config.index(), active);
            try {
                // the first kNN search loads and compiles the search path; do it now, on a tenant that cannot exist
                index.search(new dev.freshrag.index.SearchQuery("_warmup", model.embed("warm up"), 10, java.util.Map.of()));
            } catch (RuntimeException e) {
                LOG.debugf("index warm-up skipped: %s", e.toString());
            }
            ServedGeneration served = ServedGeneration.choose(plan, active, index.generationNumber());
            ServingSet initial = new ServingSet(served, model, index, () -> {
                try {
                    index.close();
                } finally {
                    models.release(model);
                }
            });
            return new ServingGenerations(initial, models, switched::fire, Clock.systemUTC());
        } catch (RuntimeException e) {
            models.release(model);
            throw e;
        }
    }

    /** The model of the collection the Qdrant alias names, if there is one yet (Lucene: empty). */
    private static Optional<IndexFingerprint> aliasModel(QueryConfig config) {
        if (config.index().kind() != IndexKind.QDRANT) {
            return Optional.empty();
        }
        try (QdrantAliasTargets targets = QdrantAliasWatch.connect(config.index())) {
            return targets.current().map(QdrantAliasTargets.Target::fingerprint);
        }
    }

    void closeServingGenerations(@Disposes ServingGenerations sets) {
        sets.close();
    }

    /**
     * Follows the pointer (Lucene) or the alias (Qdrant) while the service runs, unless
     * {@code freshrag.generation-watch.enabled=false}.
     */
    @Produces
    @Singleton
    @Startup
    GenerationWatcher generationWatcher(QueryConfig config, GenerationWatchConfig watch, ServingGenerations sets) {
        boolean lucene = config.index().kind() == IndexKind.LUCENE;
        GenerationSource source = lucene ? new LucenePointerSource(config.index()) : QdrantAliasSource.connect(config.index());
        GenerationWatcher watcher = new GenerationWatcher(source, sets, watch.retryAfterFailure(), Clock.systemUTC());
        if (watch.enabled()) {
            watcher.start(lucene ? watch.luceneInterval() : watch.qdrantInterval());
        }
        return watcher;
    }

    void closeGenerationWatcher(@Disposes GenerationWatcher watcher) {
        watcher.close();
    }

    /** The index as the rest of the service reads it: each call on the generation served at that moment. */
    @Produces
    @ApplicationScoped
    VectorIndexReader index(ServingGenerations sets) {
        return new FollowingIndexReader(sets);
    }
}
