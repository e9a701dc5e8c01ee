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
import java.time.Duration;

/**
 * The ingest-service's write endpoints with a writer key, for {@code sync}. Answers the parsed JSON of a 2xx; anything
 * else is a {@link Rejected} with the problem's detail (the caller decides whether one file's failure stops the run).
 */
final class IngestClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** A non-2xx answer: the status and the problem's detail. */
    static final class Rejected extends RuntimeException {
        final int status;

        Rejected(int status, String detail) {
            super(detail);
            this.status = status;
        }
    }

    private final URI base;
    private final String key;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    IngestClient(URI base, String key) {
        this.base = base;
        this.key = key;
    }

    /** From {@code --url}/{@code --key} (either may be null), else FRESHRAG_URL/FRESHRAG_KEY, else the local ingest-service. */
    static IngestClient of(String url, String key, Settings settings) {
        String u = url != null ? url : settings.env().get("FRESHRAG_URL");
        if (u == null || u.isBlank()) {
            u = "http://" + settings.httpHost() + ":" + settings.port(Component.INGEST);
        }
        String k = key != null ? key : settings.env().get("FRESHRAG_KEY");
        try {
            return new IngestClient(URI.create(u.strip().replaceAll("/+$", "")), k == null || k.isBlank() ? null : k.strip());
        } catch (IllegalArgumentException e) {
            throw new CliFailure("not a URL: " + u);
        }
    }

    String base() {
        return base.toString();
    }

    static String path(String tenant, String docId) {
        // every docId character but '/' is encoded; '/' too, as %2F, so the docId is one path parameter
        return "/v1/tenants/" + tenant + "/documents/" + URLEncoder.encode(docId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    JsonNode bulk(String tenant, String ndjson) {
        return send(HttpRequest.newBuilder(URI.create(base + "/v1/tenants/" + tenant + "/documents:bulk"))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson, StandardCharsets.UTF_8)));
    }

    /** A file as it is, with its media type; {@code bulk} marks it for the bulk lane. */
    JsonNode putFile(String tenant, String docId, String mediaType, byte[] body, boolean bulk) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path(tenant, docId))).header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        if (bulk) {
            b.header("freshrag-priority", "bulk");
        }
        return send(b);
    }

    JsonNode delete(String tenant, String docId) {
        return send(HttpRequest.newBuilder(URI.create(base + path(tenant, docId))).DELETE());
    }

    private JsonNode send(HttpRequest.Builder b) {
        b.timeout(TIMEOUT).header("Accept", "application/json");
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        HttpRequest request = b.build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliFailure(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted", e);
        }
        JsonNode body;
        try {
            body = response.body().isBlank() ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            body = JSON.nullNode();
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw new CliFailure(request.method() + " " + request.uri() + ": HTTP " + response.statusCode() + ": "
                    + body.path("detail").asText("not allowed") + " (pass a writer key of the tenant with --key or FRESHRAG_KEY)");
        }
        if (response.statusCode() / 100 != 2) {
            throw new Rejected(response.statusCode(), body.path("detail").asText(response.body()));
        }
        return body;
    }
}
