package dev.freshrag.query.config;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.config.EmbedderStartup;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.VectorIndexReader;
import dev.freshrag.index.generation.Generations;
import dev.freshrag.query.generation.ServedGeneration;
import java.util.Optional;
import java.util.OptionalInt;
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
     * The generation searched: the plan's active one, or (no plan) the one the store records, else 1. Depends on the
     * index, so it is chosen once the reader is open.
     */
    @Produces
    @jakarta.inject.Singleton // a record cannot be proxied, which a normal scope needs
    ServedGeneration servedGeneration(QueryConfig config, Embedder embedder, VectorIndexReader index) {
        return ServedGeneration.choose(IndexOpener.plan(config.index()), fingerprint(embedder), index.generationNumber());
    }

    private static IndexFingerprint fingerprint(Embedder embedder) {
        return new IndexFingerprint(embedder.model().id(), embedder.model().dimension());
    }

    /**
     * The reader of the plan's active generation, where it lives (refused if it holds another model's vectors), or,
     * without a plan, of the one index (Qdrant: through the alias) as before generations.
     */
    @Produces
    @ApplicationScoped
    @Startup
    VectorIndexReader index(QueryConfig config, Embedder embedder) {
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
        return index;
    }

    void closeIndex(@Disposes VectorIndexReader index) {
        index.close();
    }
}
