package dev.freshrag.embedding.remote;

import dev.freshrag.embedding.EmbedderUnavailableException;
import dev.freshrag.embedding.EmbeddingRejectedException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP to the embedding server, with the fault classification the pipeline relies on: 400, 413 and 422 are the
 * texts' fault ({@link EmbeddingRejectedException}, never retried); anything else that is not a 2xx (5xx, 429, 424
 * TEI backend errors, 401/403/404 misconfiguration), a refused or dropped connection and a timeout are the server's
 * ({@link EmbedderUnavailableException}): tried {@code attempts} times with doubling backoff, honouring a
 * {@code Retry-After} in seconds up to the timeout, then thrown for the caller's own retry.
 */
final class EmbeddingServerClient {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingServerClient.class);

    private final HttpClient http;
    private final RemoteOptions options;
    private final Function<byte[], String> errorMessage;
    private final BooleanSupplier closed;

    /**
     * @param errorMessage the protocol's reading of an error body (TEI {@code error}, OpenAI {@code error.message})
     * @param closed       stops retrying once the embedder is closed
     */
    EmbeddingServerClient(RemoteOptions options, Function<byte[], String> errorMessage, BooleanSupplier closed) {
        this.options = options;
        this.errorMessage = errorMessage;
        this.closed = closed;
        this.http = HttpClient.newBuilder()
                .connectTimeout(options.timeout())
                // the servers speak HTTP/1.1; no h2c upgrade round trip on every new connection
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    byte[] get(String path) {
        return send(request(path).GET().build());
    }

    byte[] post(String path, byte[] json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build());
    }

    private HttpRequest.Builder request(String path) {
        String base = options.url().toString();
        URI uri = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) + path : base + path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(options.timeout()).header("Accept", "application/json");
        options.apiKey().filter(k -> !k.isBlank()).ifPresent(k -> b.header("Authorization", "Bearer " + k));
        return b;
    }

    private byte[] send(HttpRequest request) {
        Duration backoff = options.initialBackoff();
        for (int attempt = 1; ; attempt++) {
            Duration wait;
            try {
                return once(request);
            } catch (Unavailable e) {
                if (attempt >= options.attempts() || closed.getAsBoolean()) {
                    throw e.fault;
                }
                wait = e.retryAfter != null ? min(e.retryAfter, options.timeout()) : backoff;
                LOG.debug("embedding server fault (try {} of {}), again in {} ms: {}", attempt, options.attempts(),
                        wait.toMillis(), e.fault.getMessage());
            }
            try {
                Thread.sleep(wait.toMillis());
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new EmbedderUnavailableException("interrupted while waiting to retry " + request.uri(), ie);
            }
            backoff = backoff.multipliedBy(2);
        }
    }

    private byte[] once(HttpRequest request) {
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            // connection refused or reset, a closed connection, HttpTimeoutException
            throw new Unavailable(new EmbedderUnavailableException(request.method() + " " + request.uri()
                    + " failed: " + e, e), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbedderUnavailableException("interrupted calling " + request.uri(), e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response.body();
        }
        String what = request.method() + " " + request.uri() + " answered " + status + ": " + describe(response.body());
        if (status == 400 || status == 413 || status == 422) {
            throw new EmbeddingRejectedException(status, what);
        }
        Duration retryAfter = response.headers().firstValue("Retry-After").flatMap(EmbeddingServerClient::seconds)
                .orElse(null);
        throw new Unavailable(new EmbedderUnavailableException(what), retryAfter);
    }

    private String describe(byte[] body) {
        try {
            String message = errorMessage.apply(body);
            if (message != null) {
                return message;
            }
        } catch (RuntimeException e) {
            // not the protocol's error shape (a proxy's HTML page): show the start of the body instead
        }
        String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static java.util.Optional<Duration> seconds(String value) {
        try {
            return java.util.Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.trim()))));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty(); // an HTTP date: use our own backoff
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** A transient fault of one try, with the server's Retry-After if it sent one. */
    private static final class Unavailable extends RuntimeException {
        final EmbedderUnavailableException fault;
        final Duration retryAfter;

        Unavailable(EmbedderUnavailableException fault, Duration retryAfter) {
            super(fault.getMessage(), null, false, false);
            this.fault = fault;
            this.retryAfter = retryAfter;
        }
    }
}
