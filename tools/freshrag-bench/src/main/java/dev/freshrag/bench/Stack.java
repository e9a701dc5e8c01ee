package dev.freshrag.bench;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.freshrag.events.WriteToken;

/** The running local stack (./freshrag up) as the HTTP benchmarks see it. */
public final class Stack {

    public final String ingest;
    public final String query;
    /** The embed-service's management interface (its metrics), not its API port. */
    public final String embed;
    public final String kafka;
    public final Http http;

    public Stack(Args args) {
        this.ingest = args.get("ingest", "http://127.0.0.1:8081");
        this.query = args.get("query", "http://127.0.0.1:8080");
        this.embed = args.get("embed-management", "http://127.0.0.1:9082");
        this.kafka = args.get("kafka", "127.0.0.1:9092");
        this.http = Http.fromEnvironment();
    }

    public String documentUrl(String tenant, String docId) {
        return ingest + "/v1/tenants/" + tenant + "/documents/" + URLEncoder.encode(docId, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public String searchUrl(String tenant) {
        return query + "/v1/tenants/" + tenant + "/search";
    }

    /** The PUT body of an event: everything but tenant, docId and op. */
    public static ObjectNode body(PepStream.Event e) {
        ObjectNode b = e.json().deepCopy();
        b.remove("tenant");
        b.remove("docId");
        b.remove("op");
        return b;
    }

    /** PUT; answers the write token. */
    public WriteToken put(String tenant, String docId, Object body) {
        Http.Reply r = http.put(documentUrl(tenant, docId), body);
        Http.require(r, 202, "PUT " + documentUrl(tenant, docId));
        return token(r.body());
    }

    public static WriteToken token(JsonNode accepted) {
        String t = accepted.path("token").asText();
        return WriteToken.parse(t).orElseThrow(() -> new IllegalStateException("no write token in " + accepted));
    }

    public double metric(String name) {
        return Http.metric(http.text(embed + "/q/metrics"), name);
    }

    /** Search; the reply body. */
    public JsonNode search(String tenant, String queryText, int topK, List<WriteToken> consistentWith) {
        Map<String, Object> req = new HashMap<>();
        req.put("query", queryText);
        req.put("topK", topK);
        if (consistentWith != null && !consistentWith.isEmpty()) {
            req.put("consistentWith", consistentWith.stream().map(WriteToken::toString).toList());
        }
        Http.Reply r = http.post(searchUrl(tenant), req);
        Http.require(r, 200, "POST " + searchUrl(tenant));
        return r.body();
    }

    /** Per tenant and partition, the newest token: reflecting those reflects every write before them. */
    public static Map<String, List<WriteToken>> newestPerPartition(List<WriteToken> tokens) {
        Map<String, Map<Integer, WriteToken>> newest = new HashMap<>();
        for (WriteToken t : tokens) {
            newest.computeIfAbsent(t.tenant(), x -> new HashMap<>())
                    .merge(t.partition(), t, (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        Map<String, List<WriteToken>> out = new HashMap<>();
        newest.forEach((tenant, byPartition) -> out.put(tenant, new ArrayList<>(byPartition.values())));
        return out;
    }

    /** Blocks until the index reflects one token (of any form the query-service accepts). */
    public void awaitToken(String tenant, String token, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String url = searchUrl(tenant);
        while (true) {
            Http.Reply r = http.post(url, Map.of("query", "status", "topK", 1, "consistentWith", List.of(token)));
            Http.require(r, 200, "POST " + url);
            if (r.body().path("consistent").asBoolean(false)) {
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the index did not reflect " + token + " within " + timeoutMs + " ms");
            }
            Pause.millis(20);
        }
    }

    /** Blocks until the index reflects every token (searches with consistentWith until consistent). */
    public void awaitReflected(List<WriteToken> tokens, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        for (Map.Entry<String, List<WriteToken>> e : newestPerPartition(tokens).entrySet()) {
            List<WriteToken> all = e.getValue();
            for (int from = 0; from < all.size(); from += 8) {
                List<WriteToken> part = all.subList(from, Math.min(all.size(), from + 8));
                while (!search(e.getKey(), "status", 1, part).path("consistent").asBoolean(false)) {
                    if (System.currentTimeMillis() > deadline) {
                        throw new IllegalStateException("the index did not reflect the writes of " + e.getKey()
                                + " within " + timeoutMs + " ms");
                    }
                    Pause.millis(5);
                }
            }
        }
    }
}
