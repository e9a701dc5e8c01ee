package dev.freshrag.query.config;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.ModelVariant;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.VectorIndex;
import dev.freshrag.index.lucene.LuceneOptions;
import dev.freshrag.index.lucene.LuceneVectorIndex;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
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
        return OnnxEmbedder.load(options);
    }

    void closeEmbedder(@Disposes Embedder embedder) {
        embedder.close();
    }

    @Produces
    @ApplicationScoped
    @Startup
    VectorIndex index(QueryConfig config, Embedder embedder) {
        IndexFingerprint fingerprint = new IndexFingerprint(embedder.model().id(), embedder.model().dimension());
        String kind = config.index().kind();
        if (!"lucene".equals(kind)) {
            throw new IllegalArgumentException("freshrag.index.kind=" + kind + " is not supported by this build; use lucene");
        }
        Path path = Path.of(config.index().lucene().path()).toAbsolutePath();
        LOG.infof("reading the embedded Lucene index at %s", path);
        return LuceneVectorIndex.openReader(path, fingerprint, LuceneOptions.defaults());
    }

    void closeIndex(@Disposes VectorIndex index) {
        index.close();
    }
}
