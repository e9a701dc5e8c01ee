package dev.freshrag.embedding.config;

import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.OnnxEmbedder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the embedder of a service from its {@link EmbeddingSettings}: the one place both services load it. */
public final class EmbedderStartup {

    private static final Logger LOG = LoggerFactory.getLogger(EmbedderStartup.class);

    private EmbedderStartup() {
    }

    /** The options the settings stand for; the other options keep their defaults. */
    public static EmbedderOptions options(EmbeddingSettings settings) {
        return EmbedderOptions.defaults()
                .withVariant(settings.variant())
                .withTarget(settings.target())
                .withMaxBatchSize(settings.maxBatchSize())
                .withIntraOpThreads(settings.intraOpThreads());
    }

    /** Loads the model and runs it once, so that the first real text does not pay for allocation and compilation. */
    public static OnnxEmbedder start(EmbeddingSettings settings) {
        OnnxEmbedder embedder = OnnxEmbedder.load(options(settings));
        embedder.embed("warm up");
        LOG.info("embedding model {} ({} dims) on {}", embedder.model().id(), embedder.model().dimension(),
                embedder.executionProvider());
        return embedder;
    }
}
