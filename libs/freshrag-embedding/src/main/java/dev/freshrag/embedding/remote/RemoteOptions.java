package dev.freshrag.embedding.remote;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How to reach and use a remote embedding server (see {@code EmbeddingSettings.Remote} for the documented keys).
 *
 * @param url               the server's base URL, e.g. {@code http://tei:8080}; paths are appended to it
 * @param model             the model the server must serve; required for OpenAI (it is part of every request),
 *                          optional for TEI (checked against {@code GET /info} when given)
 * @param apiKey            sent as {@code Authorization: Bearer ...} when present
 * @param timeout           connect and per-request timeout
 * @param maxConcurrency    requests in flight to the server at once, over all callers of this embedder
 * @param batchTokens       estimated tokens per request; a batch holds at least one text
 * @param maxBatchSize      texts per request (TEI further caps it by its {@code max_client_batch_size})
 * @param attempts          tries of one request before a transient fault is thrown to the caller
 * @param initialBackoff    wait after the first failed try, doubled after each one (a {@code Retry-After} wins)
 * @param expectedDimension the vector size the server must produce, checked at start when given
 */
public record RemoteOptions(
        URI url,
        Optional<String> model,
        Optional<String> apiKey,
        Duration timeout,
        int maxConcurrency,
        int batchTokens,
        int maxBatchSize,
        int attempts,
        Duration initialBackoff,
        OptionalInt expectedDimension) {

    public RemoteOptions {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(expectedDimension, "expectedDimension");
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
            throw new IllegalArgumentException("the embedding server URL must be http(s)://..., was " + url);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (maxConcurrency < 1 || batchTokens < 1 || maxBatchSize < 1 || attempts < 1) {
            throw new IllegalArgumentException("max-concurrency, batch-tokens, max-batch-size and attempts must be"
                    + " >= 1, were " + maxConcurrency + ", " + batchTokens + ", " + maxBatchSize + ", " + attempts);
        }
    }

    /** Defaults for everything but the URL: for tests and tools. */
    public static RemoteOptions of(URI url) {
        return new RemoteOptions(url, Optional.empty(), Optional.empty(), Duration.ofSeconds(30), 4, 8192, 32, 3,
                Duration.ofMillis(200), OptionalInt.empty());
    }

    public RemoteOptions withModel(String model) {
        return new RemoteOptions(url, Optional.ofNullable(model), apiKey, timeout, maxConcurrency, batchTokens,
                maxBatchSize, attempts, initialBackoff, expectedDimension);
    }

    public RemoteOptions withApiKey(String apiKey) {
        return new RemoteOptions(url, model, Optional.ofNullable(apiKey), timeout, maxConcurrency, batchTokens,
                maxBatchSize, attempts, initialBackoff, expectedDimension);
    }

    public RemoteOptions withTimeout(Duration timeout) {
        return new RemoteOptions(url, model, apiKey, timeout, maxConcurrency, batchTokens, maxBatchSize, attempts,
                initialBackoff, expectedDimension);
    }

    public RemoteOptions withBatching(int batchTokens, int maxBatchSize, int maxConcurrency) {
        return new RemoteOptions(url, model, apiKey, timeout, maxConcurrency, batchTokens, maxBatchSize, attempts,
                initialBackoff, expectedDimension);
    }

    public RemoteOptions withRetries(int attempts, Duration initialBackoff) {
        return new RemoteOptions(url, model, apiKey, timeout, maxConcurrency, batchTokens, maxBatchSize, attempts,
                initialBackoff, expectedDimension);
    }

    public RemoteOptions withExpectedDimension(int dimension) {
        return new RemoteOptions(url, model, apiKey, timeout, maxConcurrency, batchTokens, maxBatchSize, attempts,
                initialBackoff, OptionalInt.of(dimension));
    }
}
