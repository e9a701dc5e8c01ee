package dev.freshrag.testkit.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;

/**
 * A test double of an OpenAI-compatible embeddings server (as vLLM serves one) on all-MiniLM-L6-v2, for tests only
 * (vLLM and Ollama cannot run here). {@code POST /v1/embeddings} with {@code model} and {@code input} (a string or
 * an array of strings) answers {@code {"object": "list", "data": [{"object": "embedding", "index": i, "embedding":
 * [...]}], "model": ..., "usage": {"prompt_tokens": n, "total_tokens": n}}}; {@code GET /v1/models} lists the
 * model. Like vLLM it refuses another model name (404), an input longer than the model's context (400) and an
 * empty input (400), with {@code {"error": {"message", "type", "param", "code"}}} bodies.
 */
public final class OpenAiEmbeddingsServerDouble extends EmbeddingServerDouble {

    /** The name the server is started with ({@code --served-model-name} in vLLM). */
    public static final String MODEL_NAME = "all-minilm-l6-v2";
    /** The model's context length, as vLLM reads it for this model. */
    public static final int MAX_MODEL_LEN = 256;

    private volatile boolean reverseData;

    @Override
    public String modelName() {
        return MODEL_NAME;
    }

    /**
     * Lists {@code data} last index first. The API allows any order ({@code index} says which input each is);
     * clients that rely on the position instead of the index are caught by this.
     */
    public void answerOutOfOrder(boolean reverse) {
        this.reverseData = reverse;
    }

    @Override
    protected void serve(HttpExchange exchange, byte[] body) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (method.equals("GET") && path.equals("/v1/models")) {
            ObjectNode list = JSON.createObjectNode();
            list.put("object", "list");
            list.putArray("data").addObject().put("id", MODEL_NAME).put("object", "model").put("owned_by", "vllm");
            send(exchange, 200, JSON.writeValueAsBytes(list));
        } else if (method.equals("POST") && path.equals("/v1/embeddings")) {
            embed(exchange, body);
        } else {
            send(exchange, 404, errorBody(404, "Not Found", null));
        }
    }

    private void embed(HttpExchange exchange, byte[] body) throws IOException {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            reject(exchange, 400, "invalid JSON: " + e.getMessage(), null);
            return;
        }
        String model = request == null ? null : request.path("model").asText(null);
        if (model != null && !model.equals(MODEL_NAME)) {
            // vLLM: an unknown model is 404 NotFoundError, not an input error
            send(exchange, 404, errorBody(404, "The model `" + model + "` does not exist.", null));
            return;
        }
        List<String> texts = request == null ? null : texts(request.path("input")).orElse(null);
        if (texts == null || texts.isEmpty()) {
            reject(exchange, 400, "Input cannot be empty", null);
            return;
        }
        int promptTokens = 0;
        for (String text : texts) {
            int tokens = model().tokenizer().countTokens(text);
            if (tokens > MAX_MODEL_LEN) {
                reject(exchange, 400, "This model's maximum context length is " + MAX_MODEL_LEN + " tokens. However,"
                        + " you requested " + tokens + " tokens in the input for embedding generation. Please reduce"
                        + " the length of the input.", null);
                return;
            }
            promptTokens += tokens;
        }
        float[][] vectors = embedServed(texts);
        ObjectNode answer = JSON.createObjectNode();
        answer.put("id", "embd-test-double");
        answer.put("object", "list");
        answer.put("created", System.currentTimeMillis() / 1000);
        answer.put("model", MODEL_NAME);
        ArrayNode data = answer.putArray("data");
        for (int k = 0; k < vectors.length; k++) {
            int i = reverseData ? vectors.length - 1 - k : k;
            ObjectNode item = data.addObject();
            item.put("index", i);
            item.put("object", "embedding");
            ArrayNode embedding = item.putArray("embedding");
            for (float x : vectors[i]) {
                embedding.add(x);
            }
        }
        answer.putObject("usage").put("prompt_tokens", promptTokens).put("total_tokens", promptTokens)
                .put("completion_tokens", 0);
        send(exchange, 200, JSON.writeValueAsBytes(answer));
    }

    private dev.freshrag.embedding.OnnxEmbedder model() {
        return model;
    }

    @Override
    protected byte[] errorBody(int status, String message, String teiErrorType) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", message);
        error.put("type", switch (status) {
            case 400 -> "BadRequestError";
            case 401 -> "AuthenticationError";
            case 404 -> "NotFoundError";
            case 429 -> "RateLimitError";
            default -> "ServiceUnavailableError";
        });
        error.putNull("param");
        error.put("code", status);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
