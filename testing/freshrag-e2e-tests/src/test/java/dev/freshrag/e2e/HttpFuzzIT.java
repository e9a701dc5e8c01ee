package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.events.Topics;
import dev.freshrag.security.Role;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Random JSON, random bytes, huge strings, odd Unicode and wrong types sent to every HTTP endpoint:
 * never a 5xx, every service keeps serving, and no rejected request puts an event on Kafka. Seeded
 * (printed; replay with -Dfreshrag.fuzz.seed=...).
 */
class HttpFuzzIT {

    private static final int REQUESTS = Integer.getInteger("freshrag.fuzz.requests", 400);
    private static final String[] ODD = {"\u0000", "\uD800", "\uDFFF", "\u202E", "\u200B", "\uFEFF", "😀", "𝔘𝔫𝔦", "ｆｕｌｌ", "\n", "\t", "\\", "\"", "%", "../", "null", "{", "]"};
    private static final String[] FIELDS = {"version", "title", "contentType", "content", "metadata", "sourceTimestamp", "query", "topK",
            "filter", "consistentWith", "requireConsistent", "question", "stream", "adapter", "promptTemplate"};

    /**
     * HTTP/1.1, as the services' clients speak it on plain HTTP: the JDK client's default is an h2c upgrade, and on JDK
     * 25 it refuses the upgraded answer to some hostile requests (Vert.x adds {@code connection: close}, a header
     * HTTP/2 prohibits), which JDK 17 tolerated; seen in CI after the move to JDK 25.
     */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void noInputCrashesAServiceOrLeaksAnEvent() throws Exception {
        PipelineStack stack = PipelineStack.shared();
        long seed = Long.getLong("freshrag.fuzz.seed", new Random().nextLong());
        System.out.println("HttpFuzzIT seed " + seed + " (" + REQUESTS + " requests)");
        Random rnd = new Random(seed);
        String tenant = "fuzz-" + UUID.randomUUID().toString().substring(0, 8);
        String writer = stack.key(tenant, Role.WRITER);
        String admin = stack.key(tenant, Role.ADMIN);
        int accepted = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            String docPath = "/v1/tenants/" + tenant + "/documents/" + PipelineStack.encode(randomString(rnd, 1 + rnd.nextInt(40)));
            String[][] targets = {
                    {"PUT", stack.ingestUrl() + docPath, writer},
                    {"DELETE", stack.ingestUrl() + docPath + (rnd.nextBoolean() ? "?version=" + PipelineStack.encode(randomString(rnd, 3)) : ""), writer},
                    {"GET", stack.queryUrl() + docPath, writer},
                    {"POST", stack.queryUrl() + "/v1/tenants/" + tenant + "/search", writer},
                    {"POST", stack.queryUrl() + "/v1/tenants/" + tenant + "/answer", writer},
                    {"PUT", stack.queryUrl() + "/v1/admin/tenants/" + tenant, admin},
                    {"GET", stack.queryUrl() + "/v1/admin/tenants/" + tenant, admin}};
            String[] t = targets[rnd.nextInt(targets.length)];
            byte[] body = randomBody(rnd);
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t[1])).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + t[2])
                    .header("Content-Type", rnd.nextInt(10) == 0 ? "text/plain" : "application/json");
            b.method(t[0], t[0].equals("GET") || t[0].equals("DELETE") ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<String> r;
            try {
                r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                failures.add(t[0] + " " + t[1] + ": connection failed: " + e);
                continue;
            }
            if (r.statusCode() >= 500) {
                failures.add(t[0] + " " + t[1] + " with " + preview(body) + " -> " + r.statusCode() + " " + r.body());
            }
            if (r.body().contains("Exception") || r.body().contains("\tat ")) {
                failures.add(t[0] + " " + t[1] + ": the answer carries a stack trace: " + r.body());
            }
            if (r.statusCode() == 202 && t[1].startsWith(stack.ingestUrl())) {
                accepted++;
            }
        }
        assertThat(failures).isEmpty();
        for (String url : List.of(stack.ingestManagementUrl(), stack.embedManagementUrl(), stack.queryManagementUrl())) {
            assertThat(stack.send("GET", url + "/q/health/ready", null).status()).as(url).isEqualTo(200);
        }
        long events = stack.broker.consumeAllBytes(Topics.DOC_CHANGES, Duration.ofSeconds(10)).stream()
                .filter(r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith(tenant + "/"))
                .count();
        System.out.println("HttpFuzzIT: " + accepted + " writes accepted, " + events + " events on " + Topics.DOC_CHANGES);
        assertThat(events).as("only accepted writes reach Kafka").isEqualTo(accepted);
    }

    private static byte[] randomBody(Random rnd) {
        return switch (rnd.nextInt(7)) {
            case 0 -> {
                byte[] b = new byte[rnd.nextInt(2000)];
                rnd.nextBytes(b);
                yield b;
            }
            case 1 -> randomJson(rnd, 0).getBytes(StandardCharsets.UTF_8);
            case 2 -> ("{\"" + FIELDS[rnd.nextInt(FIELDS.length)] + "\": \"" + "x".repeat(1 + rnd.nextInt(3_000_000)) + "\"}").getBytes(StandardCharsets.UTF_8);
            case 3 -> "[".repeat(5000 + rnd.nextInt(50_000)).getBytes(StandardCharsets.UTF_8);
            case 4 -> wrongTypes(rnd).getBytes(StandardCharsets.UTF_8);
            case 5 -> ("{\"content\": \"" + escape(randomString(rnd, rnd.nextInt(300))) + "\", \"query\": \"" + escape(randomString(rnd, 50))
                    + "\", \"question\": \"" + escape(randomString(rnd, 50)) + "\", \"metadata\": {\"" + escape(randomString(rnd, 5)) + "\": \""
                    + escape(randomString(rnd, 5)) + "\"}}").getBytes(StandardCharsets.UTF_8);
            default -> new byte[0];
        };
    }

    private static String wrongTypes(Random rnd) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < 1 + rnd.nextInt(5); i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(FIELDS[rnd.nextInt(FIELDS.length)]).append("\":").append(randomJson(rnd, 2));
        }
        return sb.append('}').toString();
    }

    private static String randomJson(Random rnd, int depth) {
        int kind = depth > 4 ? rnd.nextInt(5) : rnd.nextInt(7);
        return switch (kind) {
            case 0 -> "null";
            case 1 -> Boolean.toString(rnd.nextBoolean());
            case 2 -> rnd.nextBoolean() ? Long.toString(rnd.nextLong()) : Double.toString(rnd.nextGaussian() * 1e300);
            case 3 -> "\"" + escape(randomString(rnd, rnd.nextInt(30))) + "\"";
            case 4 -> "-0.0e+99999";
            case 5 -> {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < rnd.nextInt(4); i++) {
                    sb.append(i == 0 ? "" : ",").append(randomJson(rnd, depth + 1));
                }
                yield sb.append(']').toString();
            }
            default -> {
                StringBuilder sb = new StringBuilder("{");
                for (int i = 0; i < rnd.nextInt(5); i++) {
                    String key = rnd.nextBoolean() ? FIELDS[rnd.nextInt(FIELDS.length)] : escape(randomString(rnd, 4));
                    sb.append(i == 0 ? "" : ",").append('"').append(key).append("\":").append(randomJson(rnd, depth + 1));
                }
                yield sb.append('}').toString();
            }
        };
    }

    private static String randomString(Random rnd, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(4);
            if (k == 0) {
                sb.append(ODD[rnd.nextInt(ODD.length)]);
            } else if (k == 1) {
                sb.appendCodePoint(rnd.nextInt(0x2FFFF));
            } else {
                sb.append((char) ('a' + rnd.nextInt(26)));
            }
        }
        return sb.toString();
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String preview(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 120), StandardCharsets.UTF_8);
        return "'" + s + (body.length > 120 ? "...' (" + body.length + " bytes)" : "'");
    }
}
