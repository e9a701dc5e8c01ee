package dev.freshrag.ingest.config;

import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ModelTokenizer;
import dev.freshrag.embedding.TokenCounter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/**
 * The ingest-service needs the model's tokenizer (to cut chunks that the embedder never truncates)
 * but not the model itself.
 */
@ApplicationScoped
public class TokenizerProducer {

    @Produces
    @ApplicationScoped
    public TokenCounter tokenCounter() {
        return ModelTokenizer.load(EmbedderOptions.defaults());
    }
}
