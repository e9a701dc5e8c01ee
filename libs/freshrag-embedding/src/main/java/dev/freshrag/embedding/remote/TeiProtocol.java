package dev.freshrag.embedding.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * text-embeddings-inference's own API: {@code GET /info} ({@code model_id}, {@code max_input_length},
 * {@code max_client_batch_size}) and {@code POST /embed} with {@code {"inputs": [...], "truncate": true,
 * "normalize": true}} answering {@code [[...], ...]}. Truncation on, as the in-process embedder truncates at the
 * model's max length rather than failing; errors are {@code {"error": "...", "error_type": "..."}}.
 */
final class TeiProtocol implements EmbeddingProtocol {

    @Override
    public String name() {
        return "tei";
    }

    @Override
    public String embedPath() {
        return "/embed";
    }

    @Override
    public ServerModel describe(EmbeddingServerClient client, RemoteOptions options) {
        JsonNode info = read(client.get("/info"));
        String modelId = info.path("model_id").asText(null);
        if (modelId == null || modelId.isBlank()) {
            throw new IllegalStateException("the TEI server at " + options.url() + " answered /info without a model_id");
        }
        options.model().filter(m -> !m.isBlank() && !m.equals(modelId)).ifPresent(m -> {
            throw new IllegalStateException("freshrag.embedding.remote.model is '" + m + "' but the TEI server at "
                    + options.url() + " serves '" + modelId + "'");
        });
        int maxInput = info.path("max_input_length").asInt(0);
        int maxBatch = info.path("max_client_batch_size").asInt(Integer.MAX_VALUE);
        return new ServerModel(modelId, maxInput, maxBatch <= 0 ? Integer.MAX_VALUE : maxBatch);
    }

    @Override
    public byte[] request(List<String> texts) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode inputs = body.putArray("inputs");
        texts.forEach(inputs::add);
        body.put("truncate", true);
        body.put("normalize", true);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public float[][] vectors(byte[] body, int expected) {
        JsonNode rows = read(body);
        if (!rows.isArray() || rows.size() != expected) {
            throw new IllegalStateException("TEI /embed returned " + (rows.isArray() ? rows.size() + " vectors" : rows.getNodeType())
                    + " for " + expected + " texts");
        }
        float[][] vectors = new float[expected][];
        for (int i = 0; i < expected; i++) {
            vectors[i] = Floats.of(rows.get(i));
        }
        return vectors;
    }

    @Override
    public String errorMessage(byte[] body) {
        JsonNode n = read(body);
        return n.hasNonNull("error") ? n.path("error_type").asText("?") + ": " + n.get("error").asText() : null;
    }

    static JsonNode read(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("the embedding server answered with JSON it cannot parse: " + e.getMessage(), e);
        }
    }
}
