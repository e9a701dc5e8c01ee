package dev.freshrag.query.config;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.config.EmbedderStartup;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.VectorIndexReader;
import dev.freshrag.index.generation.Generations;
import dev.freshrag.index.select.IndexKind;
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
import java.util.OptionalInt;
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
        return EmbedderStartup.start(config.embedding());
    }

    void closeEmbedder(@Disposes Embedder embedder) {
        embedder.close();
    }

    private static IndexFingerprint fingerprint(Embedder embedder) {
        return new IndexFingerprint(embedder.model().id(), embedder.model().dimension());
    }

    /**
     * The served generation, starting with the plan's active one, where it lives (refused if it holds another model's
     * vectors), or, without a plan, the one index (Qdrant: the collection the alias names) as before generations.
     */
    @Produces
    @Singleton // not proxied: a request takes its set once from it
    @Startup
    ServingGenerations servingGenerations(QueryConfig config, Embedder embedder, Event<GenerationSwitched> switched) {
        IndexFingerprint fingerprint = fingerprint(embedder);
        Optional<Generations> plan = IndexOpener.plan(config.index());
        ServedGeneration.choose(plan, fingerprint, OptionalInt.empty()); // refuses another model's generation first
        LOG.infof("opening the %s as its %s%s", IndexOpener.describe(config.index()), "reader",
                plan.map(p -> ", generation " + p.active().id()).orElse(""));
        VectorIndexReader index = plan.isPresent()
                ? IndexOpener.openReader(config.index(), plan.get().active())
                : IndexOpener.openReader(config.index(), fingerprint);
        try {
            // the first kNN search loads and compiles the search path; do it now, on a tenant that cannot exist
            index.search(new dev.freshrag.index.SearchQuery("_warmup", embedder.embed("warm up"), 10, java.util.Map.of()));
        } catch (RuntimeException e) {
            LOG.debugf("index warm-up skipped: %s", e.toString());
        }
        ServedGeneration served = ServedGeneration.choose(plan, fingerprint, index.generationNumber());
        QueryModels models = new QueryModels(config.embedding(), embedder);
        ServingSet initial = new ServingSet(served, embedder, index, index::close);
        return new ServingGenerations(initial, models, switched::fire, Clock.systemUTC());
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
