package dev.freshrag.ingest.config;

import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ModelTokenizer;
import dev.freshrag.embedding.TokenCounter;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * The ingest-service needs the model's tokenizer (to cut chunks that the embedder never truncates)
 * but not the model itself.
 */
@ApplicationScoped
public class TokenizerProducer {

    /** Loaded and exercised at start, not inside the first event's processing (it takes seconds). */
    @Produces
    @ApplicationScoped
    @Startup
    public TokenCounter tokenCounter() {
        ModelTokenizer tokenizer = ModelTokenizer.load(EmbedderOptions.defaults());
        tokenizer.countTokens("warm up the native tokenizer");
        return tokenizer;
    }
}
