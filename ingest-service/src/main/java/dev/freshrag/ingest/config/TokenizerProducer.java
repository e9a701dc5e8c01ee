package dev.freshrag.ingest.config;

import dev.freshrag.ingest.chunking.CachedTokenCounter;
import dev.freshrag.tokenizer.ModelTokenizer;
import dev.freshrag.tokenizer.TokenCounter;
import dev.freshrag.tokenizer.EmbeddingModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * The ingest-service needs the model's tokenizer (to cut chunks that the embedder never truncates)
 * but not the model itself: it depends on freshrag-tokenizer only, so neither ONNX Runtime nor the
 * model jars are in its packaged app.
 */
@ApplicationScoped
public class TokenizerProducer {

    /**
     * The tokenizer of {@code freshrag.embedding.model} (fp32 file; both builds share the vocabulary, both models too): counting never
     * truncates, so the max length only matters to encoding, which ingest does not do. The chunk token limit is
     * checked against the model here, so a limit above the model's length stops the start. Loaded and exercised at start,
     * not inside the first event's processing (it takes seconds). Counts are cached by text hash; the cache's
     * hits and misses are the {@code cache_gets_total{cache="token-counts"}} metric.
     */
    @Produces
    @ApplicationScoped
    @Startup
    public TokenCounter tokenCounter(IngestConfig config, MeterRegistry registry) {
        // both models share one vocabulary and normaliser, so an unset model counts as either would
        EmbeddingModel model = config.embedding().model().orElse(EmbeddingModel.FOR_NEW_INDEX);
        config.chunkMaxTokens();
        ModelTokenizer tokenizer = ModelTokenizer.load(model.tokenizerResource(false), model.maxLength());
        tokenizer.countTokens("warm up the native tokenizer");
        CachedTokenCounter cached = new CachedTokenCounter(tokenizer, config.chunking().tokenCacheEntries());
        CaffeineCacheMetrics.monitor(registry, cached.cache(), "token-counts");
        return cached;
    }
}
