package dev.freshrag.query.config;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.config.EmbedderStartup;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.VectorIndexReader;
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
