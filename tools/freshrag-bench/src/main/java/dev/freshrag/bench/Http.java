package dev.freshrag.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A small JSON client for the services. Sends {@code Authorization: Bearer <key>} on tenant URLs when it has a
 * key: FRESHRAG_API_KEY (one key for every tenant), else one per tenant created on first use with
 * {@code <launcher> keys add <tenant> writer} (the launcher path comes from -Dfreshrag.bench.launcher, set by
 * ./freshrag bench, which also exports the bench stack's FRESHRAG_HOME). When there is no such subcommand (a
 * stack without the API-key layer) no header is sent.
 */
public final class Http {

    public record Reply(int status, JsonNode body, String raw) {
    }

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final java.util.regex.Pattern TENANT_URL = java.util.regex.Pattern.compile("/v1/tenants/([^/]+)/");

    private final String apiKey;
    private final String launcher;
    private final java.util.Map<String, java.util.Optional<String>> keys = new java.util.concurrent.ConcurrentHashMap<>();

    public Http(String apiKey, String launcher) {
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.strip();
        this.launcher = launcher == null || launcher.isBlank() ? null : launcher;
    }

    public static Http fromEnvironment() {
        return new Http(System.getenv("FRESHRAG_API_KEY"), System.getProperty("freshrag.bench.launcher"));
    }

    /** How requests authenticate, for the report. */
    public String authMode() {
        if (apiKey != null) {
            return "Bearer key from FRESHRAG_API_KEY";
        }
        if (keys.values().stream().anyMatch(java.util.Optional::isPresent)) {
            return "Bearer keys made with `./freshrag keys add <tenant> writer`";
        }
        return launcher == null ? "none" : "none (no `./freshrag keys` in this version)";
    }

    /** The key for a tenant: FRESHRAG_API_KEY, else one made by the launcher once per tenant, else none. */
    public java.util.Optional<String> keyFor(String tenant) {
        if (apiKey != null) {
            return java.util.Optional.of(apiKey);
        }
        if (launcher == null) {
            return java.util.Optional.empty();
        }
        return keys.computeIfAbsent(tenant, this::makeKey);
    }

    private java.util.Optional<String> makeKey(String tenant) {
        try {
            Process p = new ProcessBuilder(launcher, "keys", "add", tenant, "writer").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                return java.util.Optional.empty(); // no keys subcommand: a stack without authentication
            }
            String[] lines = out.strip().split("\n");
            String key = lines[lines.length - 1].strip();
            return key.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(key);
        } catch (IOException e) {
            return java.util.Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.Optional.empty();
        }
    }

    private HttpRequest.Builder request(String url) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        java.util.regex.Matcher m = TENANT_URL.matcher(url);
        if (m.find()) {
            keyFor(m.group(1)).ifPresent(key -> b.header("Authorization", "Bearer " + key));
        }
        return b;
    }

    public Reply get(String url) {
        return send(request(url).GET().build());
    }

    public Reply put(String url, Object body) {
        return send(request(url).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(json(body))).build());
    }

    public Reply post(String url, Object body) {
        return send(request(url).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json(body))).build());
    }

    /** POST of newline-delimited JSON (the bulk endpoint). */
    public Reply postNdjson(String url, String ndjson) {
        return send(request(url).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson, java.nio.charset.StandardCharsets.UTF_8)).build());
    }

    public CompletableFuture<Reply> putAsync(String url, Object body) {
        HttpRequest r = request(url).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(json(body))).build();
        return client.sendAsync(r, HttpResponse.BodyHandlers.ofString()).thenApply(Http::reply);
    }

    /** GET of a text body (metrics). */
    public String text(String url) {
        try {
            HttpResponse<String> r = client.send(request(url).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET " + url + " answered " + r.statusCode() + ": " + r.body());
            }
            return r.body();
        } catch (IOException e) {
            throw new IllegalStateException("GET " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Reply send(HttpRequest r) {
        try {
            return reply(client.send(r, HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new IllegalStateException(r.method() + " " + r.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Reply reply(HttpResponse<String> r) {
        JsonNode body = null;
        String raw = r.body();
        if (raw != null && !raw.isEmpty() && (raw.startsWith("{") || raw.startsWith("["))) {
            try {
                body = PepStream.JSON.readTree(raw);
            } catch (IOException ignored) {
                // not JSON after all: the raw text is kept
            }
        }
        return new Reply(r.statusCode(), body, raw);
    }

    private static byte[] json(Object body) {
        try {
            return PepStream.JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Sum of every sample of a Prometheus counter or gauge, whatever its labels; 0 when absent. */
    public static double metric(String prometheusText, String name) {
        double sum = 0;
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                String[] parts = line.trim().split("\\s+");
                sum += Double.parseDouble(parts[parts.length - 1]);
            }
        }
        return sum;
    }

    /** The sum of the samples of {@code name} whose labels contain {@code label} (for example {@code kind="text"}). */
    public static double metric(String prometheusText, String name, String label) {
        double sum = 0;
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith(name + "{") && line.substring(0, line.indexOf('}') + 1).contains(label)) {
                String[] parts = line.trim().split("\\s+");
                sum += Double.parseDouble(parts[parts.length - 1]);
            }
        }
        return sum;
    }

    public static void require(Reply r, int expected, String what) {
        if (r.status() != expected) {
            throw new IllegalStateException(what + " answered HTTP " + r.status() + " (expected " + expected + "): " + r.raw()
                    + (r.status() == 401 || r.status() == 403
                    ? " -- set FRESHRAG_API_KEY to a key with the needed role" : ""));
        }
    }
}
