package dev.freshrag.embedding.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The OpenAI embeddings API as vLLM, Ollama and TEI also serve it: {@code POST /v1/embeddings} with
 * {@code {"model": ..., "input": [...], "encoding_format": "float"}}, answering {@code {"object": "list", "data":
 * [{"object": "embedding", "index": i, "embedding": [...]}], "model": ..., "usage": {...}}}. Vectors are placed by
 * their {@code index}, not by their position in {@code data}. The protocol has no model listing every server
 * implements, so the start check embeds a probe and reads the {@code model} of the answer. Errors are
 * {@code {"error": {"message": ..., "type": ...}}}; TEI's route answers {@code {"message": ..., "type": ...}}.
 */
final class OpenAiProtocol implements EmbeddingProtocol {

    private final String model;

    OpenAiProtocol(String model) {
        this.model = model;
    }

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public String embedPath() {
        return "/v1/embeddings";
    }

    @Override
    public ServerModel describe(EmbeddingServerClient client, RemoteOptions options) {
        JsonNode answer = TeiProtocol.read(client.post(embedPath(), request(List.of("probe"))));
        String served = answer.path("model").asText(null);
        if (served != null && !served.isBlank() && !served.equals(model)) {
            throw new IllegalStateException("freshrag.embedding.remote.model is '" + model + "' but the server at "
                    + options.url() + " answered with model '" + served + "'");
        }
        // the protocol reports no input limit; 0 = not known here, the server enforces its own
        return new ServerModel(model, 0, Integer.MAX_VALUE);
    }

    @Override
    public byte[] request(List<String> texts) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        ArrayNode input = body.putArray("input");
        texts.forEach(input::add);
        body.put("encoding_format", "float");
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public float[][] vectors(byte[] body, int expected) {
        JsonNode data = TeiProtocol.read(body).path("data");
        if (!data.isArray() || data.size() != expected) {
            throw new IllegalStateException("/v1/embeddings returned " + (data.isArray() ? data.size() : 0)
                    + " embeddings for " + expected + " texts");
        }
        float[][] vectors = new float[expected][];
        for (JsonNode item : data) {
            int index = item.path("index").asInt(-1);
            if (index < 0 || index >= expected || vectors[index] != null) {
                throw new IllegalStateException("/v1/embeddings returned a missing, repeated or out-of-range index "
                        + item.path("index") + " for " + expected + " texts");
            }
            vectors[index] = Floats.of(item.path("embedding"));
        }
        return vectors;
    }

    @Override
    public String errorMessage(byte[] body) {
        JsonNode n = TeiProtocol.read(body);
        JsonNode error = n.has("error") && n.get("error").isObject() ? n.get("error") : n;
        return error.hasNonNull("message") ? error.path("type").asText("?") + ": " + error.get("message").asText() : null;
    }
}
