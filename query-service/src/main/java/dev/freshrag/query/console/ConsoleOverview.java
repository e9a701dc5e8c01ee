package dev.freshrag.query.console;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.query.generation.ServedGeneration;
import dev.freshrag.query.generation.ServingGenerations;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.http.HttpClient;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Collects what the overview shows: each service's health and metrics over HTTP, consumer lag from the broker,
 * and the freshness history (a sample per call, at most one a second, so several open consoles add no load).
 */
@ApplicationScoped
public class ConsoleOverview {

    private static final Logger LOG = Logger.getLogger(ConsoleOverview.class);
    private static final long MIN_SAMPLE_GAP_MS = 1000;

    /** What the overview template renders. */
    public record View(List<ServiceProbe.Snapshot> services, List<ConsumerLag.Row> lag, String lagError,
                       long eventsApplied, long eventsStale, long deadLetters, String embedRate,
                       String generation, FreshnessChart chart) {
    }

    private final ConsoleConfig config;
    private final ServingGenerations sets;
    private final ServiceProbe probe;
    private final FreshnessHistory history;
    private final Map<String, Object> kafka;
    private ConsumerLag lag;
    private long lastSampleAt;

    public ConsoleOverview(ConsoleConfig config, ServingGenerations sets, ObjectMapper json,
                           @Identifier("default-kafka-broker") Map<String, Object> kafka,
                           @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.config = config;
        this.sets = sets;
        this.probe = new ServiceProbe(HttpClient.newBuilder().connectTimeout(config.callTimeout()).build(), json, config.callTimeout());
        this.history = new FreshnessHistory(config.freshnessWindow(), config.history());
        this.kafka = new HashMap<>(kafka);
        this.kafka.put("bootstrap.servers", bootstrapServers);
    }

    public View collect() {
        // its own health and metrics: on the management port when Quarkus serves them there (not under @QuarkusTest),
        // else on the port Quarkus actually bound (the test port is 0 until it starts)
        org.eclipse.microprofile.config.Config c = ConfigProvider.getConfig();
        boolean management = c.getOptionalValue("quarkus.management.enabled", Boolean.class).orElse(false);
        int port = management ? c.getOptionalValue("quarkus.management.port", Integer.class).orElse(9000)
                : c.getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
        java.util.Optional<String> self = java.util.Optional.of("http://127.0.0.1:" + port);
        ServiceProbe.Snapshot ingest = probe.probe("ingest-service", config.ingestManagementUrl());
        ServiceProbe.Snapshot embed = probe.probe("embed-service", config.embedManagementUrl());
        ServiceProbe.Snapshot query = probe.probe("query-service", self);
        sample(embed);
        List<ConsumerLag.Row> rows = List.of();
        String lagError = null;
        try {
            rows = lag().rows(config.consumerGroups());
        } catch (Exception e) {
            lagError = "the broker did not answer: " + e.getClass().getSimpleName();
            LOG.debugf("consumer lag unavailable: %s", e.toString());
        }
        double rate = history.embedRate();
        ServedGeneration served = sets.served();
        return new View(List.of(ingest, embed, query), rows, lagError,
                Math.round(ingest.metrics().sum("freshrag_events_applied_total")),
                Math.round(ingest.metrics().sum("freshrag_events_stale_total")),
                Math.round(ingest.metrics().sum("freshrag_dlq_total") + embed.metrics().sum("freshrag_dlq_total")),
                Double.isNaN(rate) ? "n/a" : String.format(Locale.ROOT, "%.1f", rate),
                "generation " + served.generation() + " (" + served.model() + ", " + served.dimension() + " dimensions"
                        + (served.chunkMaxTokens() == null ? "" : ", chunks of at most " + served.chunkMaxTokens() + " tokens")
                        + ")",
                FreshnessChart.of(history.points(), config.history(), history.total()));
    }

    private synchronized void sample(ServiceProbe.Snapshot embed) {
        long now = System.currentTimeMillis();
        if (!embed.up() && embed.metrics().samples().isEmpty() || now - lastSampleAt < MIN_SAMPLE_GAP_MS) {
            return;
        }
        lastSampleAt = now;
        history.add(new FreshnessHistory.Sample(now, embed.metrics().buckets("freshrag_freshness_seconds"),
                embed.metrics().sum("freshrag_chunks_embedded_total")));
    }

    private synchronized ConsumerLag lag() {
        if (lag == null) {
            lag = new ConsumerLag(kafka, config.callTimeout());
        }
        return lag;
    }

    @PreDestroy
    synchronized void close() {
        if (lag != null) {
            lag.close();
        }
    }

}
