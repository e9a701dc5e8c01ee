package dev.freshrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlq list|replay}: the operator's re-drive of kb.dlq, over HTTP to the ingest-service. */
@Command(name = "dlq", description = "Dead letters on kb.dlq: dlq list|replay [filters]")
final class DlqCommand implements Callable<Integer> {

    private final CliContext context;

    DlqCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        context.console().warn("usage: ./freshrag dlq list|replay [--reason R] [--tenant T] [--partition P --from O --to O] "
                + "[--limit N] [--url URL]");
        return 2;
    }

    /** The filters and the target, shared by list and replay; sent as the endpoints' query parameters. */
    static final class Filters {
        @Option(names = "--reason", paramLabel = "R", description = "dead letters whose reason contains R")
        String reason;
        @Option(names = "--tenant", paramLabel = "T", description = "dead letters of tenant T (from the record key)")
        String tenant;
        @Option(names = "--partition", paramLabel = "P", description = "only kb.dlq partition P (needed for --from/--to)")
        Integer partition;
        @Option(names = "--from", paramLabel = "O", description = "first kb.dlq offset in the partition (inclusive)")
        Long from;
        @Option(names = "--to", paramLabel = "O", description = "last kb.dlq offset in the partition (inclusive)")
        Long to;
        @Option(names = "--limit", paramLabel = "N", description = "at most N records (default 100, at most 10000)")
        Integer limit;
        @Option(names = "--url", paramLabel = "URL",
                description = "the ingest-service (default FRESHRAG_URL, else the local one); key from FRESHRAG_KEY, else the local operator key")
        String url;

        Map<String, Object> query() {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("reason", reason);
            q.put("tenant", tenant);
            q.put("partition", partition);
            q.put("from", from);
            q.put("to", to);
            q.put("limit", limit);
            return q;
        }
    }

    @Command(name = "list", description = "List dead letters (a table: where, why, whose).")
    static final class ListCommand implements Callable<Integer> {
        private final CliContext context;
        @Mixin
        Filters filters = new Filters();

        ListCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            JsonNode letters = OperatorClient.of(filters.url, context).get("/v1/operator/dlq", filters.query());
            table(letters).forEach(context.console().out()::println);
            context.console().out().flush();
            return 0;
        }
    }

    @Command(name = "replay", description = "Re-publish matching dead letters to the topic they came from; prints how many.")
    static final class ReplayCommand implements Callable<Integer> {
        private final CliContext context;
        @Mixin
        Filters filters = new Filters();

        ReplayCommand(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            JsonNode answer = OperatorClient.of(filters.url, context).post("/v1/operator/dlq/replay", filters.query());
            int n = answer.path("replayed").asInt();
            context.console().say("Replayed " + n + " dead letter" + (n == 1 ? "" : "s") + ".");
            return 0;
        }
    }

    private static final String[] COLUMNS = {"PARTITION", "OFFSET", "STAGE", "TENANT", "SOURCE", "FIELD", "REASON", "KEY"};

    /** Left-aligned columns, two spaces apart; the reason last but one, the key last (both can be long). */
    static List<String> table(JsonNode letters) {
        List<String[]> rows = new ArrayList<>();
        rows.add(COLUMNS);
        for (JsonNode d : letters) {
            String source = d.path("sourceTopic").asText("-") + "-" + d.path("sourcePartition").asText("?") + "@"
                    + d.path("sourceOffset").asText("?");
            rows.add(new String[] {d.path("partition").asText(), d.path("offset").asText(), text(d, "stage"), text(d, "tenant"),
                    source, text(d, "field"), text(d, "reason"), text(d, "key")});
        }
        int[] width = new int[COLUMNS.length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                b.append(i == r.length - 1 ? r[i] : String.format("%-" + width[i] + "s  ", r[i]));
            }
            lines.add(b.toString().stripTrailing());
        }
        lines.add(letters.size() + " dead letter" + (letters.size() == 1 ? "" : "s") + ".");
        return lines;
    }

    private static String text(JsonNode d, String field) {
        return d.hasNonNull(field) ? d.get(field).asText() : "-";
    }
}
