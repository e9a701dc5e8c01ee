package dev.freshrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code verify [--tenant T] [--repair]}: does the index match what the pipeline accepted? Reads the expected state
 * from the ingest-service and what the index holds from the query-service (operator endpoints, HTTP only), prints each
 * difference and a summary line, and with {@code --repair} has the ingest-service re-drive exactly the differing
 * documents through the bulk lane. Orphans (indexed, unknown to the state) are reported, never repaired: there is no
 * record to re-drive. Exit 0 only when nothing differs (a repair's effect shows on the next verify).
 */
@Command(name = "verify", description = "Compare the index with the pipeline's document state; --repair re-drives what differs.")
final class VerifyCommand implements Callable<Integer> {

    /** Documents per query-service request (its limit is 1000). */
    static final int BATCH = 500;

    private final CliContext context;

    @Option(names = "--tenant", paramLabel = "T", description = "only tenant T (default every tenant)")
    String tenant;
    @Option(names = "--repair", description = "re-drive the differing documents (bulk lane)")
    boolean repair;
    @Option(names = "--url", paramLabel = "URL",
            description = "the ingest-service (default FRESHRAG_URL, else the local one); key from FRESHRAG_KEY, else the local operator key")
    String url;
    @Option(names = "--query-url", paramLabel = "URL", description = "the query-service (default FRESHRAG_QUERY_URL, else the local one)")
    String queryUrl;

    VerifyCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Console console = context.console();
        OperatorClient ingest = OperatorClient.of(url, context);
        OperatorClient query = OperatorClient.ofQuery(queryUrl, context);
        Map<String, Object> filter = new LinkedHashMap<>();
        filter.put("tenant", tenant);
        JsonNode expected = ingest.get("/v1/operator/documents", filter);
        int total = expected.size();

        List<IndexDrift.Difference> differences = new ArrayList<>();
        Map<String, JsonNode> differing = new LinkedHashMap<>();
        for (int from = 0; from < total; from += BATCH) {
            ArrayNode batch = JsonNodeFactory.instance.arrayNode();
            List<JsonNode> wanted = new ArrayList<>();
            for (int i = from; i < Math.min(total, from + BATCH); i++) {
                JsonNode e = expected.get(i);
                wanted.add(e);
                batch.addObject().put("tenant", e.path("tenant").asText()).put("docId", e.path("docId").asText());
            }
            JsonNode indexed = query.post("/v1/operator/index/documents", batch);
            for (int i = 0; i < wanted.size(); i++) {
                List<IndexDrift.Difference> found = IndexDrift.compare(wanted.get(i), indexed.get(i));
                if (!found.isEmpty()) {
                    found.forEach(d -> console.out().println(d.line()));
                    differences.addAll(found);
                    differing.put(wanted.get(i).path("tenant").asText() + "/" + wanted.get(i).path("docId").asText(), wanted.get(i));
                }
            }
            if (total > BATCH) {
                // progress on long runs, apart from the differences (stdout) so a pipe keeps only those
                console.err().println("checked " + Math.min(total, from + BATCH) + " of " + total + " documents");
            }
        }
        List<IndexDrift.Difference> orphans = orphans(query, expected);
        orphans.forEach(d -> console.out().println(d.line()));
        differences.addAll(orphans);
        console.out().println(summary(total + orphans.size(), differing.size() + orphans.size(), differences));
        console.out().flush();
        if (repair && !differing.isEmpty()) {
            repair(ingest, differing);
        }
        if (repair && !orphans.isEmpty()) {
            // the ingest can re-drive only what its state holds a record of; an orphan has none, and making one up
            // would invent a version
            console.out().println("Orphans are not repaired: " + orphans.size() + " document"
                    + (orphans.size() == 1 ? "" : "s") + " the pipeline does not know (remove each with a DELETE through "
                    + "the ingest-service at a version above the indexed one).");
            console.out().flush();
        }
        return differing.isEmpty() && orphans.isEmpty() ? 0 : 1;
    }

    /**
     * Documents the index holds that the state does not know: the query-service's paged listing of each tenant
     * (--tenant, else every tenant the state knows; an index tenant the state has never seen is not listed).
     */
    private List<IndexDrift.Difference> orphans(OperatorClient query, JsonNode expected) {
        java.util.Set<String> known = new java.util.HashSet<>();
        java.util.Set<String> tenants = new java.util.TreeSet<>();
        expected.forEach(e -> {
            known.add(e.path("tenant").asText() + "/" + e.path("docId").asText());
            tenants.add(e.path("tenant").asText());
        });
        if (tenant != null) {
            tenants.clear();
            tenants.add(tenant);
        }
        List<IndexDrift.Difference> out = new ArrayList<>();
        for (String t : tenants) {
            String after = null;
            int listed = 0;
            do {
                Map<String, Object> params = new LinkedHashMap<>();
                params.put("tenant", t);
                params.put("after", after);
                params.put("limit", BATCH);
                JsonNode page = query.get("/v1/operator/index/documents", params);
                for (JsonNode d : page.path("documents")) {
                    IndexDrift.orphan(t, d, known).ifPresent(out::add);
                    listed++;
                }
                JsonNode next = page.path("next");
                after = next.isTextual() && !next.asText().isEmpty() ? next.asText() : null;
                if (after != null) {
                    context.console().err().println("listed " + listed + " indexed documents of " + t);
                }
            } while (after != null);
        }
        return out;
    }

    private void repair(OperatorClient ingest, Map<String, JsonNode> differing) {
        Console console = context.console();
        List<JsonNode> docs = new ArrayList<>(differing.values());
        int redriven = 0;
        for (int from = 0; from < docs.size(); from += BATCH) {
            ArrayNode batch = JsonNodeFactory.instance.arrayNode();
            docs.subList(from, Math.min(docs.size(), from + BATCH)).forEach(d ->
                    batch.addObject().put("tenant", d.path("tenant").asText()).put("docId", d.path("docId").asText()));
            JsonNode answer = ingest.post("/v1/operator/documents/repair", batch);
            redriven += answer.path("redriven").asInt();
            answer.path("notFound").forEach(n -> console.out().println("not re-driven  " + n.asText()));
        }
        console.out().println("Re-drove " + redriven + " of " + docs.size() + " document" + (docs.size() == 1 ? "" : "s")
                + " through the bulk lane; run verify again once it has drained.");
        console.out().flush();
    }

    static String summary(int total, int differing, List<IndexDrift.Difference> differences) {
        Map<IndexDrift.Kind, Integer> byKind = new EnumMap<>(IndexDrift.Kind.class);
        differences.forEach(d -> byKind.merge(d.kind(), 1, Integer::sum));
        StringBuilder b = new StringBuilder("Verified " + total + " document" + (total == 1 ? "" : "s") + ": ");
        if (differing == 0) {
            return b.append("the index matches.").toString();
        }
        b.append(differing).append(" differ (");
        List<String> parts = new ArrayList<>();
        for (IndexDrift.Kind k : IndexDrift.Kind.values()) {
            parts.add(k.name().toLowerCase().replace('_', '-') + " " + byKind.getOrDefault(k, 0));
        }
        return b.append(String.join(", ", parts)).append(").").toString();
    }
}
