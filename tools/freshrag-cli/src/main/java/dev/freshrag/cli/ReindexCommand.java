package dev.freshrag.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code reindex start|status|switch|rollback|abort|drop-previous}: a model change without downtime (issue 16), over
 * HTTP to the embed-service's operator endpoints ({@code /v1/operator/reindex}); the embed-service, not the
 * ingest-service, because it owns the index writers and their positions. Every verb prints the status after it.
 */
@Command(name = "reindex", description = "Index generations: reindex start|status|switch|rollback|abort|drop-previous")
final class ReindexCommand implements Callable<Integer> {

    static final String PATH = "/v1/operator/reindex";
    /** Width of the --watch progress bar, in characters between the brackets. */
    static final int BAR = 30;

    private final CliContext context;

    ReindexCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        context.console().warn("usage: ./freshrag reindex start --model M [--chunk-max-tokens N] | status [--watch] | switch "
                + "| rollback | abort | drop-previous [--url URL]");
        return 2;
    }

    @Command(name = "start", description = "Start building a generation with another embedding model.")
    static final class Start implements Callable<Integer> {
        private final CliContext context;
        @Option(names = "--model", required = true, paramLabel = "M", description = "the embedding model (bge-small-en-v1.5, all-minilm-l6-v2)")
        String model;
        @Option(names = "--chunk-max-tokens", paramLabel = "N", description = "another chunking: most tokens of a chunk in the new generation")
        Integer chunkMaxTokens;
        @Option(names = "--url", paramLabel = "URL", description = "the embed-service (default FRESHRAG_EMBED_URL, else the local one)")
        String url;

        Start(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("model", model);
            if (chunkMaxTokens != null) {
                body.put("chunkMaxTokens", chunkMaxTokens);
            }
            JsonNode status = OperatorClient.ofEmbed(url, context).post(PATH + "/start", body);
            print(context, status);
            return 0;
        }
    }

    @Command(name = "status", description = "Generations, backfill progress, lag; --watch shows a progress bar until caught up.")
    static final class Status implements Callable<Integer> {
        private final CliContext context;
        @Option(names = "--watch", description = "poll and draw a progress bar until the building generation is caught up")
        boolean watch;
        @Option(names = "--interval", paramLabel = "S", description = "seconds between two polls of --watch (default 2)")
        double interval = 2;
        @Option(names = "--url", paramLabel = "URL", description = "the embed-service (default FRESHRAG_EMBED_URL, else the local one)")
        String url;

        Status(CliContext context) {
            this.context = context;
        }

        @Override
        public Integer call() {
            OperatorClient client = OperatorClient.ofEmbed(url, context);
            JsonNode status = client.get(PATH, Map.of());
            while (watch && status.path("building").isObject() && !status.path("caughtUp").asBoolean()) {
                context.console().out().println(progressLine(status));
                context.console().out().flush();
                Sleep.millis(Math.round(interval * 1000));
                status = client.get(PATH, Map.of());
            }
            if (watch && status.path("building").isObject()) {
                context.console().out().println(progressLine(status));
            }
            print(context, status);
            return 0;
        }
    }

    /** switch, rollback, abort, drop-previous: a POST without a body. */
    @Command(description = "A reindex verb.")
    static final class Verb implements Callable<Integer> {
        private final CliContext context;
        private final String verb;
        @Option(names = "--url", paramLabel = "URL", description = "the embed-service (default FRESHRAG_EMBED_URL, else the local one)")
        String url;

        Verb(CliContext context, String verb) {
            this.context = context;
            this.verb = verb;
        }

        @Override
        public Integer call() {
            JsonNode status = OperatorClient.ofEmbed(url, context).post(PATH + "/" + verb, Map.of());
            print(context, status);
            return 0;
        }
    }

    static void print(CliContext context, JsonNode status) {
        lines(status).forEach(context.console().out()::println);
        context.console().out().flush();
    }

    /** The status as the operator reads it: one line per generation, the backfill, the lag, whether switch would switch. */
    static List<String> lines(JsonNode s) {
        List<String> out = new ArrayList<>();
        generation(out, "active", s.path("active"));
        generation(out, "building", s.path("building"));
        generation(out, "previous", s.path("previous"));
        JsonNode b = s.path("backfill");
        if (b.isObject()) {
            String eta = b.path("etaSeconds").isNumber() ? ", ETA " + duration(b.path("etaSeconds").asLong()) : "";
            out.add(String.format(Locale.ROOT, "%-9s %d of %d documents applied (%d re-driven%s), %d chunks, %.1f documents/s%s",
                    "backfill", b.path("documentsApplied").asLong(), b.path("documents").asLong(), b.path("redriven").asLong(),
                    b.path("redriveDone").asBoolean() ? ", all" : "", b.path("chunksApplied").asLong(),
                    b.path("perSecond").asDouble(), eta));
        }
        if (s.path("building").isObject()) {
            out.add(String.format(Locale.ROOT, "%-9s %s", "lag", lag(s.path("lag"))));
            out.add(String.format(Locale.ROOT, "%-9s %s", "switch", s.path("caughtUp").asBoolean()
                    ? "ready: ./freshrag reindex switch" : "not yet: " + s.path("behind").asText()));
        }
        return out;
    }

    private static void generation(List<String> out, String label, JsonNode g) {
        if (g.isObject()) {
            out.add(String.format(Locale.ROOT, "%-9s %-4s %-22s chunks of at most %s tokens", label, g.path("generation").asText(),
                    g.path("model").asText(), g.path("chunkMaxTokens").asInt() > 0 ? g.path("chunkMaxTokens").asText() : "?"));
        }
    }

    /** Per lane, the partitions behind and by how many offsets; "caught up" when none. */
    static String lag(JsonNode lag) {
        List<String> lanes = new ArrayList<>();
        lag.fieldNames().forEachRemaining(lane -> {
            JsonNode partitions = lag.get(lane);
            if (partitions.isEmpty()) {
                lanes.add(lane + " caught up");
            } else {
                List<String> behind = new ArrayList<>();
                partitions.fieldNames().forEachRemaining(p -> behind.add("p" + p + " " + partitions.get(p).asLong()));
                lanes.add(lane + " behind: " + String.join(", ", behind));
            }
        });
        return lanes.isEmpty() ? "-" : String.join("; ", lanes);
    }

    /** {@code [#########.....................]  30% 450/1500 documents, 35.2/s, ETA 30 s}. */
    static String progressLine(JsonNode s) {
        JsonNode b = s.path("backfill");
        long total = b.path("documents").asLong();
        long done = Math.min(b.path("documentsApplied").asLong(), total);
        double fraction = total == 0 ? 0 : (double) done / total;
        int filled = (int) Math.round(fraction * BAR);
        String eta = b.path("etaSeconds").isNumber() ? ", ETA " + duration(b.path("etaSeconds").asLong()) : "";
        return String.format(Locale.ROOT, "[%s%s] %3d%% %d/%d documents, %.1f/s%s", "#".repeat(filled), ".".repeat(BAR - filled),
                Math.round(fraction * 100), done, total, b.path("perSecond").asDouble(), eta);
    }

    static String duration(long seconds) {
        return seconds < 120 ? seconds + " s" : seconds < 7200 ? (seconds / 60) + " min" : (seconds / 3600) + " h";
    }
}
