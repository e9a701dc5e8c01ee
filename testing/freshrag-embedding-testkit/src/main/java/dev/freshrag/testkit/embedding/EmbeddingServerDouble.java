package dev.freshrag.testkit.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.freshrag.embedding.EmbedderOptions;
import dev.freshrag.embedding.ExecutionTarget;
import dev.freshrag.embedding.OnnxEmbedder;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the TEI and OpenAI protocol doubles share: an HTTP server on a free local port, the REAL all-MiniLM-L6-v2
 * on ONNX Runtime behind it (so vectors are the model's, not made up), a switch that makes it fail for a while as
 * a server outage would, an optional API key, and counters of what it served. Stands in for a real embedding
 * server (TEI, vLLM, Ollama), which cannot run here.
 */
public abstract class EmbeddingServerDouble implements AutoCloseable {

    /** How an outage looks to the client. */
    public enum Outage {
        /** {@code 503 Service Unavailable} with the protocol's error body. */
        UNAVAILABLE_503,
        /** {@code 429 Too Many Requests} with the protocol's error body and {@code Retry-After: 1}. */
        OVERLOADED_429,
        /** The connection is closed without an answer (a crashed or restarting server behind a proxy). */
        CLOSE_CONNECTION
    }

    protected static final ObjectMapper JSON = new ObjectMapper();

    protected final OnnxEmbedder model;
    private final HttpServer server;
    private final ExecutorService workers;
    private volatile long failingUntilNanos;
    private volatile Outage outage = Outage.UNAVAILABLE_503;
    private volatile String apiKey;
    private final AtomicInteger served = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();
    private final AtomicLong textsEmbedded = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicInteger largestBatch = new AtomicInteger();

    protected EmbeddingServerDouble() {
        // 256 tokens: what all-MiniLM-L6-v2 was trained with, and TEI's max_input_length for it
        this.model = OnnxEmbedder.load(EmbedderOptions.defaults().withTarget(ExecutionTarget.CPU));
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        } catch (IOException e) {
            model.close();
            throw new IllegalStateException("cannot open a local port for the embedding server double", e);
        }
        this.workers = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, getClass().getSimpleName());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(workers);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code http://127.0.0.1:<port>}: the base URL a client is given. */
    public URI url() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort());
    }

    /** From now on, for {@code duration}, every request fails the given way. */
    public void failFor(Duration duration, Outage how) {
        this.outage = how;
        this.failingUntilNanos = System.nanoTime() + duration.toNanos();
    }

    /** Whether an outage started by {@link #failFor} still lasts. */
    public boolean failing() {
        return System.nanoTime() - failingUntilNanos < 0;
    }

    /** Ends an outage now. */
    public void recover() {
        this.failingUntilNanos = System.nanoTime();
    }

    /** Requires {@code Authorization: Bearer <key>} on every request (401 otherwise); null turns it off. */
    public void requireApiKey(String key) {
        this.apiKey = key;
    }

    /** Embedding requests answered with vectors. */
    public int requestsServed() {
        return served.get();
    }

    /** Requests failed on purpose by an outage. */
    public int requestsFailed() {
        return failed.get();
    }

    /** Requests refused as invalid input (4xx), as the real server would. */
    public int requestsRejected() {
        return rejected.get();
    }

    /** Texts embedded in all served requests. */
    public long textsEmbedded() {
        return textsEmbedded.get();
    }

    /** The most embedding requests that were being handled at the same time. */
    public int maxConcurrentRequests() {
        return maxInFlight.get();
    }

    /** The most texts one embedding request carried. */
    public int largestBatch() {
        return largestBatch.get();
    }

    /** The server's model name, as its protocol reports it. */
    public abstract String modelName();

    /** Answers one request of the protocol; the base class has already applied outages and the API key. */
    protected abstract void serve(HttpExchange exchange, byte[] body) throws IOException;

    /** The protocol's error body. */
    protected abstract byte[] errorBody(int status, String message, String teiErrorType);

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (failing()) {
                failed.incrementAndGet();
                switch (outage) {
                    case CLOSE_CONNECTION -> {
                        // no status line: the client sees the connection end, as with a crashed server
                        return;
                    }
                    case OVERLOADED_429 -> {
                        exchange.getResponseHeaders().add("Retry-After", "1");
                        send(exchange, 429, errorBody(429, "Model is overloaded", "Overloaded"));
                    }
                    default -> send(exchange, 503, errorBody(503, "Model is not ready", "Unhealthy"));
                }
                return;
            }
            String key = apiKey;
            if (key != null && !("Bearer " + key).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                send(exchange, 401, errorBody(401, "Unauthorized", "Unhealthy"));
                return;
            }
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                serve(exchange, body);
            } finally {
                inFlight.decrementAndGet();
            }
        } catch (RuntimeException e) {
            // a bug in the double must be seen, not turned into a hang of the client
            e.printStackTrace();
            throw e;
        }
    }

    /** Embeds for a served request and counts it. */
    protected float[][] embedServed(List<String> texts) {
        float[][] vectors = model.embed(texts);
        served.incrementAndGet();
        textsEmbedded.addAndGet(texts.size());
        largestBatch.accumulateAndGet(texts.size(), Math::max);
        return vectors;
    }

    /** Sends an input-error answer and counts it. */
    protected void reject(HttpExchange exchange, int status, String message, String teiErrorType) throws IOException {
        rejected.incrementAndGet();
        send(exchange, status, errorBody(status, message, teiErrorType));
    }

    protected static void send(HttpExchange exchange, int status, byte[] json) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, json.length);
        exchange.getResponseBody().write(json);
    }

    /** The texts of a {@code "inputs"}/{@code "input"} field: one string or an array of strings; empty if neither. */
    protected static Optional<List<String>> texts(JsonNode field) {
        if (field.isTextual()) {
            return Optional.of(List.of(field.asText()));
        }
        if (!field.isArray()) {
            return Optional.empty();
        }
        java.util.ArrayList<String> texts = new java.util.ArrayList<>();
        for (JsonNode n : field) {
            if (!n.isTextual()) {
                return Optional.empty();
            }
            texts.add(n.asText());
        }
        return Optional.of(texts);
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        model.close();
    }
}
