package dev.freshrag.query.config;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.config.EmbedderStartup;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.VectorIndexReader;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.Generations;
import dev.freshrag.query.generation.ServedGeneration;
import java.util.Optional;
import dev.freshrag.index.select.IndexOpener;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

/** The query-service's model (to embed queries) and its read-only view of the index. */
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

    /**
     * The generation to search: the active one of the plan (which must hold the query model's vectors), or the one
     * index there is, as generation 1.
     */
    @Produces
    @jakarta.inject.Singleton // a record cannot be proxied, which a normal scope needs
    ServedGeneration servedGeneration(QueryConfig config, Embedder embedder) {
        IndexFingerprint fingerprint = new IndexFingerprint(embedder.model().id(), embedder.model().dimension());
        return ServedGeneration.choose(IndexOpener.plan(config.index()), fingerprint);
    }

    @Produces
    @ApplicationScoped
    @Startup
    VectorIndexReader index(QueryConfig config, Embedder embedder, ServedGeneration served) {
        IndexFingerprint fingerprint = new IndexFingerprint(embedder.model().id(), embedder.model().dimension());
        LOG.infof("opening the %s as its %s, generation %s", IndexOpener.describe(config.index()), "reader", served.id());
        Optional<Generation> active = IndexOpener.plan(config.index()).map(Generations::active)
                .filter(g -> g.number() == served.generation());
        // a plan's active generation is opened where it lives; without one (or on Qdrant, through the alias) as before
        VectorIndexReader index = active.isPresent()
                ? IndexOpener.openReader(config.index(), active.get())
                : IndexOpener.openReader(config.index(), fingerprint);
        try {
            // the first kNN search loads and compiles the search path; do it now, on a tenant that cannot exist
            index.search(new dev.freshrag.index.SearchQuery("_warmup", embedder.embed("warm up"), 10, java.util.Map.of()));
        } catch (RuntimeException e) {
            LOG.debugf("index warm-up skipped: %s", e.toString());
        }
        return index;
    }

    void closeIndex(@Disposes VectorIndexReader index) {
        index.close();
    }
}
