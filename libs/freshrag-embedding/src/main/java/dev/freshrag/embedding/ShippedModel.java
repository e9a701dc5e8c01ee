package dev.freshrag.embedding;

import dev.freshrag.tokenizer.EmbeddingModel;
import java.util.Optional;

/**
 * An in-process model in one build, as an index records it: its fingerprint holds the model id
 * ({@link ModelVariant#modelId}: {@code bge-small-en-v1.5}, {@code all-minilm-l6-v2-q} for int8...), and a service that
 * must embed for that index (a generation built with another model than the configured one) finds the model back here.
 */
public record ShippedModel(EmbeddingModel model, ModelVariant variant) {

    /** The shipped model whose id is {@code modelId}, if there is one. */
    public static Optional<ShippedModel> ofModelId(String modelId) {
        for (EmbeddingModel m : EmbeddingModel.values()) {
            for (ModelVariant v : ModelVariant.values()) {
                if (v.modelId(m).equals(modelId)) {
                    return Optional.of(new ShippedModel(m, v));
                }
            }
        }
        return Optional.empty();
    }
}
