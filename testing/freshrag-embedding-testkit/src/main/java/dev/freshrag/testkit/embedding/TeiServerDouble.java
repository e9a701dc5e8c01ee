package dev.freshrag.testkit.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;

/**
 * A test double of Hugging Face text-embeddings-inference serving sentence-transformers/all-MiniLM-L6-v2, for
 * tests only (TEI itself cannot run here). Speaks TEI's HTTP API as its router does: {@code GET /health},
 * {@code GET /info}, {@code POST /embed} ({@code inputs} a string or an array, {@code truncate}, {@code normalize})
 * answering an array of vectors, and {@code POST /v1/embeddings} is not served (see
 * {@link OpenAiEmbeddingsServerDouble}). It enforces TEI's limits with TEI's status codes and error bodies
 * ({@code {"error": ..., "error_type": ...}}): more than {@code max_client_batch_size} inputs and an input over
 * {@code max_input_length} tokens without {@code truncate} are 413 {@code Validation}; no input is 400
 * {@code Empty}; a malformed body is 422.
 */
public final class TeiServerDouble extends EmbeddingServerDouble {

    public static final String MODEL_ID = "sentence-transformers/all-MiniLM-L6-v2";
    /** TEI's default {@code --max-client-batch-size}. */
    public static final int MAX_CLIENT_BATCH_SIZE = 32;
    /** The model's sentence-transformers {@code max_seq_length}, which TEI reports as {@code max_input_length}. */
    public static final int MAX_INPUT_LENGTH = 256;

    @Override
    public String modelName() {
        return MODEL_ID;
    }

    @Override
    protected void serve(HttpExchange exchange, byte[] body) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        if (method.equals("GET") && path.equals("/health")) {
            send(exchange, 200, new byte[0]);
        } else if (method.equals("GET") && path.equals("/info")) {
            send(exchange, 200, info());
        } else if (method.equals("POST") && path.equals("/embed")) {
            embed(exchange, body);
        } else {
            send(exchange, 404, new byte[0]);
        }
    }

    private byte[] info() throws IOException {
        ObjectNode info = JSON.createObjectNode();
        info.put("model_id", MODEL_ID);
        info.putNull("model_sha");
        info.put("model_dtype", "float32");
        info.putObject("model_type").putObject("embedding").put("pooling", "mean");
        info.put("max_concurrent_requests", 512);
        info.put("max_input_length", MAX_INPUT_LENGTH);
        info.put("max_batch_tokens", 16384);
        info.putNull("max_batch_requests");
        info.put("max_client_batch_size", MAX_CLIENT_BATCH_SIZE);
        info.put("auto_truncate", false);
        info.put("tokenization_workers", 1);
        info.put("version", "test-double");
        info.putNull("sha");
        info.putNull("docker_label");
        return JSON.writeValueAsBytes(info);
    }

    private void embed(HttpExchange exchange, byte[] body) throws IOException {
        JsonNode request;
        try {
            request = JSON.readTree(body);
        } catch (IOException e) {
            reject(exchange, 422, "Failed to deserialize the JSON body into the target type: " + e.getMessage(), "Validation");
            return;
        }
        List<String> texts = request == null ? null : texts(request.path("inputs")).orElse(null);
        if (texts == null) {
            reject(exchange, 422, "Failed to deserialize the JSON body into the target type: inputs", "Validation");
            return;
        }
        if (texts.isEmpty()) {
            reject(exchange, 400, "`inputs` cannot be empty", "Empty");
            return;
        }
        if (texts.size() > MAX_CLIENT_BATCH_SIZE) {
            reject(exchange, 413, "batch size " + texts.size() + " > maximum allowed batch size "
                    + MAX_CLIENT_BATCH_SIZE, "Validation");
            return;
        }
        if (!request.path("truncate").asBoolean(false)) {
            for (String text : texts) {
                int tokens = model.tokenizer().countTokens(text);
                if (tokens > MAX_INPUT_LENGTH) {
                    reject(exchange, 413, "Input validation error: `inputs` must have less than " + MAX_INPUT_LENGTH
                            + " tokens. Given: " + tokens, "Validation");
                    return;
                }
            }
        }
        // the model's vectors are unit length; normalize=false would return the raw mean, which no client here asks
        float[][] vectors = embedServed(texts);
        ArrayNode answer = JSON.createArrayNode();
        for (float[] v : vectors) {
            ArrayNode row = answer.addArray();
            for (float x : v) {
                row.add(x);
            }
        }
        send(exchange, 200, JSON.writeValueAsBytes(answer));
    }

    @Override
    protected byte[] errorBody(int status, String message, String teiErrorType) {
        ObjectNode error = JSON.createObjectNode();
        error.put("error", message);
        error.put("error_type", teiErrorType);
        try {
            return JSON.writeValueAsBytes(error);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
