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
 * the local ingest-service. Which key: {@code FRESHRAG_KEY}, else the local stack's operator key file. Any non-2xx
 * answer is a {@link CliFailure} carrying the problem's detail.
 */
final class OperatorClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A replay reads and re-publishes up to 10 000 records; the service bounds its own work at 30 s per read. */
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final URI base;
    private final String key;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    OperatorClient(URI base, String key) {
        this.base = base;
        this.key = key;
    }

    /** The ingest-service, from the command's {@code --url} (may be null) and the environment. */
    static OperatorClient of(String url, Settings settings) {
        return of(url, settings, Component.INGEST, "FRESHRAG_URL");
    }

    /** The query-service (it reads the index), from {@code --query-url} (may be null), else {@code FRESHRAG_QUERY_URL}. */
    static OperatorClient ofQuery(String url, Settings settings) {
        return of(url, settings, Component.QUERY, "FRESHRAG_QUERY_URL");
    }

    private static OperatorClient of(String url, Settings settings, Component component, String urlVariable) {
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
            return new OperatorClient(URI.create(u.strip().replaceAll("/+$", "")), k.strip());
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
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliFailure(method + " " + uri + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted", e);
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
