package dev.freshrag.query.config;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.ModelVariant;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.VectorIndexReader;
import dev.freshrag.index.select.IndexOpener;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.util.Locale;
import org.jboss.logging.Logger;

/** The query-service's model (to embed queries) and its read-only view of the index. */
@ApplicationScoped
public class ComponentProducer {

    private static final Logger LOG = Logger.getLogger(ComponentProducer.class);

    @Produces
    @ApplicationScoped
    @Startup
    Embedder embedder(QueryConfig config) {
        EmbedderOptions options = EmbedderOptions.defaults()
                .withVariant(ModelVariant.valueOf(config.embedding().variant().toUpperCase(Locale.ROOT)))
                .withTarget(ExecutionTarget.valueOf(config.embedding().target().toUpperCase(Locale.ROOT)));
        Embedder embedder = OnnxEmbedder.load(options);
        // the first inference allocates and compiles; pay for it at start, not on the first query
        embedder.embed("warm up");
        return embedder;
    }

    void closeEmbedder(@Disposes Embedder embedder) {
        embedder.close();
    }

    @Produces
    @ApplicationScoped
    @Startup
    VectorIndexReader index(QueryConfig config, Embedder embedder) {
        IndexFingerprint fingerprint = new IndexFingerprint(embedder.model().id(), embedder.model().dimension());
        LOG.infof("opening the %s as its %s", IndexOpener.describe(config.index()), "reader");
        VectorIndexReader index = IndexOpener.openReader(config.index(), fingerprint);
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
