package dev.freshrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * HTTP to a service's operator endpoints with an operator key. Where: {@code --url}, else {@code FRESHRAG_URL}, else
 * the local ingest-service. Which key: {@code FRESHRAG_KEY}, else the local stack's operator key file. A 503 with
 * {@code Retry-After} (the services say so while a rebalance moves the partitions an answer needs, and did nothing) is
 * retried after the time it names, for at most {@link #RETRY_BUDGET} in all; any other non-2xx answer, and a 503
 * past that budget, is a {@link CliFailure} carrying the problem's detail.
 */
final class OperatorClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A replay reads and re-publishes up to 10 000 records; the service bounds its own work at 30 s per read. */
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    /** A rebalance of the ingest-service settles within a session timeout (45 s) or far sooner with static membership. */
    static final Duration RETRY_BUDGET = Duration.ofSeconds(90);
    /** Waits named by Retry-After are capped, so a misconfigured answer cannot park the command. */
    private static final long MAX_WAIT_SECONDS = 10;

    private final URI base;
    private final String key;
    private final Console console;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    OperatorClient(URI base, String key, Console console) {
        this.base = base;
        this.key = key;
        this.console = console;
    }

    /** The ingest-service, from the command's {@code --url} (may be null) and the environment. */
    static OperatorClient of(String url, CliContext context) {
        return of(url, context, Component.INGEST, "FRESHRAG_URL");
    }

    /** The query-service (it reads the index), from {@code --query-url} (may be null), else {@code FRESHRAG_QUERY_URL}. */
    static OperatorClient ofQuery(String url, CliContext context) {
        return of(url, context, Component.QUERY, "FRESHRAG_QUERY_URL");
    }

    /** The embed-service (it owns the index writers: the reindex verbs), from {@code --url}, else {@code FRESHRAG_EMBED_URL}. */
    static OperatorClient ofEmbed(String url, CliContext context) {
        return of(url, context, Component.EMBED, "FRESHRAG_EMBED_URL");
    }

    private static OperatorClient of(String url, CliContext context, Component component, String urlVariable) {
        Settings settings = context.settings();
        String u = url != null ? url : settings.env().get(urlVariable);
        if (u == null || u.isBlank()) {
            u = "http://" + settings.httpHost() + ":" + settings.port(component);
        }
        String k = settings.env().get("FRESHRAG_KEY");
        if (k == null || k.isBlank()) {
            Path file = settings.operatorKeyFile();
            try {
                k = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new CliFailure("no operator key: set FRESHRAG_KEY (./freshrag keys add --operator makes one), or run "
                        + "./freshrag up once to make the local one in " + file);
            }
        }
        try {
            return new OperatorClient(URI.create(u.strip().replaceAll("/+$", "")), k.strip(), context.console());
        } catch (IllegalArgumentException e) {
            throw new CliFailure("not a URL: " + u);
        }
    }

    JsonNode get(String path, Map<String, Object> query) {
        return send("GET", path, query);
    }

    JsonNode post(String path, Map<String, Object> query) {
        return send("POST", path, query);
    }

    /** POST with a JSON body. */
    JsonNode post(String path, JsonNode body) {
        try {
            return send("POST", path, Map.of(), HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
        } catch (IOException e) { // a JsonNode always serializes; declared by writeValueAsBytes
            throw new IllegalStateException(e);
        }
    }

    private JsonNode send(String method, String path, Map<String, Object> query) {
        return send(method, path, query, null);
    }

    private JsonNode send(String method, String path, Map<String, Object> query, HttpRequest.BodyPublisher body) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((name, value) -> {
            if (value != null) {
                q.add(name + "=" + URLEncoder.encode(value.toString(), StandardCharsets.UTF_8));
            }
        });
        URI uri = URI.create(base + path + q);
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Authorization", "Bearer " + key)
                .header("Accept", "application/json").method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
        if (body != null) {
            builder.header("Content-Type", "application/json");
        }
        HttpRequest request = builder.build();
        long deadline = System.nanoTime() + RETRY_BUDGET.toNanos();
        HttpResponse<String> response = call(request);
        for (long wait = retryAfter(response); wait >= 0 && System.nanoTime() + wait * 1_000_000_000L < deadline;
             wait = retryAfter(response)) {
            console.warn(method + " " + uri + ": HTTP 503: " + detail(response.body()) + "; retrying in " + wait + " s");
            Sleep.millis(wait * 1000);
            response = call(request);
        }
        if (response.statusCode() / 100 != 2) {
            throw new CliFailure(method + " " + uri + ": HTTP " + response.statusCode() + ": " + detail(response.body()));
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new CliFailure(method + " " + uri + ": not JSON: " + e.getMessage(), e);
        }
    }

    private HttpResponse<String> call(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliFailure(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted", e);
        }
    }

    /** Seconds to wait before asking again: a 503 naming them in Retry-After (capped); -1 for any other answer. */
    static long retryAfter(HttpResponse<?> response) {
        if (response.statusCode() != 503) {
            return -1;
        }
        try {
            long seconds = Long.parseLong(response.headers().firstValue("Retry-After").orElse("").strip());
            return seconds < 0 ? -1 : Math.min(seconds, MAX_WAIT_SECONDS);
        } catch (NumberFormatException e) {
            return -1; // no Retry-After (or an HTTP date, which no FreshRAG service sends): not ours to retry
        }
    }

    /** The problem's detail (RFC 9457), else its title, else the body as it is. */
    private static String detail(String body) {
        try {
            JsonNode problem = JSON.readTree(body);
            if (problem.hasNonNull("detail")) {
                return problem.get("detail").asText();
            }
            if (problem.hasNonNull("title")) {
                return problem.get("title").asText();
            }
        } catch (IOException | RuntimeException e) {
            // not a problem document: show what came
        }
        return body == null || body.isBlank() ? "(no body)" : body.strip();
    }
}
