package dev.freshrag.embed.config;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.embedding.EmbeddingBackend;
import dev.freshrag.embedding.OnnxEmbedder;
import dev.freshrag.embedding.ShippedModel;
import dev.freshrag.embedding.config.EmbedderStartup;
import dev.freshrag.embedding.config.EmbeddingSettings;

/**
 * The model of a generation, by its model id ({@code bge-small-en-v1.5}, {@code all-minilm-l6-v2-q}...): a generation
 * records the model its vectors are of, and the embed-service must embed with exactly that one to write it, whatever
 * {@code freshrag.embedding.model} says. In-process models only: a remote embedding server serves the one model it
 * was started with.
 */
public final class GenerationModels {

    private GenerationModels() {
    }

    /**
     * The embedder for vectors of {@code modelId}: the configured one when it is that model, else (in-process backend
     * only) that model loaded with the configured runtime settings and warmed up.
     *
     * @throws IllegalStateException the model is not shipped, or the backend is a remote server of another model
     */
    public static Embedder load(EmbeddingSettings settings, String modelId) {
        ShippedModel choice = ShippedModel.ofModelId(modelId).orElseThrow(() -> new IllegalStateException(
                "no embedding model with id " + modelId + " is shipped"));
        boolean configured = choice.model() == settings.modelOrDefault() && choice.variant() == settings.variant();
        if (configured) {
            return EmbedderStartup.start(settings);
        }
        if (settings.backend() != EmbeddingBackend.ONNX) {
            throw new IllegalStateException("the index generation needs " + modelId + " but freshrag.embedding.backend is "
                    + settings.backend() + ", which serves the configured model only; run it with the in-process model");
        }
        OnnxEmbedder embedder = OnnxEmbedder.load(EmbedderStartup.options(settings).withModel(choice.model())
                .withVariant(choice.variant()));
        embedder.embed("warm up");
        return embedder;
    }
}
