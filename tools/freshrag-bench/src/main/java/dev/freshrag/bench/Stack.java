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

    /** The model the embed-service embeds with, as its readiness check reports it ({@code embed-pipeline}'s data). */
    public dev.freshrag.embedding.ShippedModel embedModel() {
        Http.Reply r = http.get(embed + "/q/health/ready");
        for (JsonNode check : r.body().path("checks")) {
            String id = check.path("data").path("model").asText("");
            if ("embed-pipeline".equals(check.path("name").asText()) && !id.isEmpty()) {
                return dev.freshrag.embedding.ShippedModel.ofModelId(id).orElseThrow(() -> new IllegalStateException(
                        "the embed-service runs " + id + ", which is not a shipped in-process model"));
            }
        }
        throw new IllegalStateException("no model in " + embed + "/q/health/ready: " + r.body());
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

    /**
     * Blocks until the index reflects every token (searches with consistentWith until consistent), each write's own
     * token: a token names its write only (a later write's token does not cover an earlier one the ingest deferred).
     */
    public void awaitReflected(List<WriteToken> tokens, long timeoutMs) {
        Map<String, List<String>> byTenant = new java.util.TreeMap<>();
        tokens.forEach(t -> byTenant.computeIfAbsent(t.tenant(), x -> new ArrayList<>()).add(t.toString()));
        long deadline = System.currentTimeMillis() + timeoutMs;
        byTenant.forEach((tenant, all) -> awaitAll(tenant, all, Math.max(1, deadline - System.currentTimeMillis())));
    }

    /** The query-service's default limit of tokens in one consistentWith. */
    private static final int TOKENS_PER_SEARCH = 64;

    /** Blocks until the index reflects every token of one tenant, asking for {@value #TOKENS_PER_SEARCH} at a time. */
    public void awaitAll(String tenant, List<String> tokens, long timeoutMs) {
        long deadline = System.currentTimeMillis() + timeoutMs;
        String url = searchUrl(tenant);
        for (int from = 0; from < tokens.size(); from += TOKENS_PER_SEARCH) {
            List<String> part = tokens.subList(from, Math.min(tokens.size(), from + TOKENS_PER_SEARCH));
            while (true) {
                Http.Reply r = http.post(url, Map.of("query", "status", "topK", 1, "consistentWith", part));
                Http.require(r, 200, "POST " + url);
                if (r.body().path("consistent").asBoolean(false)) {
                    break;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("the index did not reflect the writes of " + tenant + " within " + timeoutMs + " ms");
                }
                Pause.millis(20);
            }
        }
    }
}
