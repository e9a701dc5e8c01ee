package dev.freshrag.tokenizer;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * Reads {@code freshrag.embedding.model} by the models' own names ({@code bge-small-en-v1.5}): the default enum
 * conversion maps hyphens to underscores but knows no dots, so it could not read the name the issue fixed. Here
 * beside the model list, because the ingest-service (which has no embedder) reads the same key.
 */
public final class EmbeddingModelConverter implements Converter<EmbeddingModel> {

    @Override
    public EmbeddingModel convert(String value) {
        return EmbeddingModel.fromConfigName(value);
    }
}
