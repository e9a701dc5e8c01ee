package dev.freshrag.query.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads another service's {@code /q/health} and {@code /q/metrics} over HTTP, bounded by the console's call timeout. */
public final class ServiceProbe {

    /** A service as the overview shows it: UP, DOWN (with the failing checks) or unreachable, and its metrics. */
    public record Snapshot(String name, String url, String status, String detail, PrometheusText metrics) {
        public boolean up() {
            return "UP".equals(status);
        }
    }

    private final HttpClient http;
    private final ObjectMapper json;
    private final Duration timeout;

    ServiceProbe(HttpClient http, ObjectMapper json, Duration timeout) {
        this.http = http;
        this.json = json;
        this.timeout = timeout;
    }

    Snapshot probe(String name, java.util.Optional<String> configured) {
        if (configured.isEmpty()) {
            return new Snapshot(name, "", "not configured", "set freshrag.console." + name.replace("-service", "")
                    + "-management-url", PrometheusText.EMPTY);
        }
        String baseUrl = configured.get();
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        String status;
        String detail = "";
        try {
            HttpResponse<String> health = get(base + "/q/health");
            JsonNode body = json.readTree(health.body());
            status = body.path("status").asText("DOWN");
            StringBuilder down = new StringBuilder();
            for (JsonNode check : body.path("checks")) {
                if (!"UP".equals(check.path("status").asText())) {
                    down.append(down.isEmpty() ? "" : ", ").append(check.path("name").asText());
                }
            }
            detail = down.isEmpty() ? "" : "down: " + down;
        } catch (Exception e) {
            return new Snapshot(name, base, "unreachable", e.getClass().getSimpleName(), PrometheusText.EMPTY);
        }
        PrometheusText metrics;
        try {
            metrics = PrometheusText.parse(get(base + "/q/metrics").body());
        } catch (Exception e) {
            metrics = PrometheusText.EMPTY;
        }
        return new Snapshot(name, base, status, detail, metrics);
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
