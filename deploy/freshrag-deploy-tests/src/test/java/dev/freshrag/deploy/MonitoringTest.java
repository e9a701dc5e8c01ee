package dev.freshrag.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/monitoring (the Grafana dashboard and the Prometheus alerting rules) against the code: every query names a
 * series the services export ({@link ExportedMetrics}, read from their meters), a series Quarkus exports for them, or a
 * series of an exporter the manifests deploy; a metric renamed in the code fails here. And the k8s configuration
 * switches traces (OTLP) and JSON logs on.
 */
class MonitoringTest {

    private static final Path ROOT = RepoRoot.get();
    private static final Path DASHBOARD = ROOT.resolve("deploy/monitoring/grafana-dashboard-freshrag.json");
    private static final Path RULES = ROOT.resolve("deploy/monitoring/prometheus-rules.yaml");

    static Map<String, String> known() throws IOException {
        List<String> dirs = new ArrayList<>(List.of("ingest-service/src/main/java", "embed-service/src/main/java",
                "query-service/src/main/java"));
        try (Stream<Path> libs = Files.list(ROOT.resolve("libs"))) {
            libs.map(l -> ROOT.relativize(l.resolve("src/main/java")).toString()).forEach(dirs::add);
        }
        Map<String, String> known = new LinkedHashMap<>(ExportedMetrics.of(ROOT, dirs).series);
        // Quarkus' Micrometer HTTP server binder, on in every service with the Prometheus registry (no histogram buckets)
        for (String service : List.of("ingest-service", "embed-service", "query-service")) {
            if (Files.readString(ROOT.resolve(service).resolve("pom.xml")).contains("quarkus-micrometer-registry-prometheus")) {
                for (String s : List.of("_count", "_sum", "_max")) {
                    known.putIfAbsent("http_server_requests_seconds" + s, service + " (Quarkus HTTP server metrics)");
                }
            }
        }
        // consumer-group lag: Strimzi's Kafka Exporter, when the Kafka resource deploys it
        Object kafka = new Yaml().load(Files.readString(ROOT.resolve("deploy/k8s/base/kafka/kafka.yaml")));
        if (Yml.at(kafka, "spec", "kafkaExporter") != null) {
            known.put("kafka_consumergroup_lag", "deploy/k8s/base/kafka/kafka.yaml (Strimzi Kafka Exporter)");
        }
        return known;
    }

    /** What is wrong with the metric names of these queries: each problem names the query's place. */
    static List<String> unknownMetrics(Map<String, String> queries, Map<String, String> known) {
        List<String> problems = new ArrayList<>();
        queries.forEach((where, expr) -> {
            Set<String> names = PromQl.metricNames(expr);
            if (names.isEmpty()) {
                problems.add(where + ": names no metric: " + expr);
            }
            for (String name : names) {
                if (!known.containsKey(name)) {
                    problems.add(where + ": " + name + " is exported by no service (" + expr + ")");
                }
            }
        });
        return problems;
    }

    static Map<String, String> dashboardQueries() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        collect(new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels"), out);
        return out;
    }

    private static void collect(JsonNode panels, Map<String, String> out) {
        for (JsonNode p : panels) {
            for (JsonNode t : p.path("targets")) {
                out.put("panel '" + p.path("title").asText() + "' " + t.path("refId").asText(), t.path("expr").asText());
            }
            collect(p.path("panels"), out);
        }
    }

    static Map<String, String> alertQueries() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        Object rules = new Yaml().load(Files.readString(RULES));
        assertEquals("PrometheusRule", Yml.at(rules, "kind"));
        for (Map<String, Object> group : Yml.maps(rules, "spec", "groups")) {
            for (Map<String, Object> rule : Yml.maps(group, "rules")) {
                out.put("alert " + rule.get("alert"), String.valueOf(rule.get("expr")));
            }
        }
        return out;
    }

    @Test
    void everyDashboardQueryNamesAMetricTheServicesExport() throws IOException {
        Map<String, String> queries = dashboardQueries();
        assertTrue(queries.size() >= 20, "the dashboard's queries: " + queries.keySet());
        OverlayConsistencyIT.assertNoProblems("dashboard", unknownMetrics(queries, known()));
    }

    @Test
    void everyAlertNamesAMetricTheServicesExport() throws IOException {
        Map<String, String> alerts = alertQueries();
        assertTrue(alerts.keySet().containsAll(List.of("alert FreshRAGFreshnessBudgetBurning", "alert FreshRAGDeadLettersGrowing",
                "alert FreshRAGIndexDrift", "alert FreshRAGConsumerLag", "alert FreshRAGNoAdapterLoadable")), alerts.keySet().toString());
        OverlayConsistencyIT.assertNoProblems("alerts", unknownMetrics(alerts, known()));
    }

    @Test
    void theDashboardShowsWhatTheIssueAsksFor() throws IOException {
        Set<String> used = new TreeSet<>();
        dashboardQueries().values().forEach(e -> used.addAll(PromQl.metricNames(e)));
        for (String metric : List.of("freshrag_freshness_seconds_bucket", "kafka_consumergroup_lag", "freshrag_dlq_total",
                "freshrag_chunks_embedded_total", "freshrag_embed_batch_chunks_sum", "http_server_requests_seconds_sum",
                "freshrag_lora_load_seconds_count", "freshrag_lora_failures_total", "freshrag_index_drift")) {
            assertTrue(used.contains(metric), metric + " is on no panel: " + used);
        }
        // the freshness panel asks Prometheus for exemplars: each links to the trace of the change it measured
        JsonNode freshness = new ObjectMapper().readTree(DASHBOARD.toFile()).path("panels").findParents("expr").stream()
                .filter(t -> t.path("expr").asText().contains("histogram_quantile(0.99, sum by (le) (rate(freshrag_freshness"))
                .findFirst().orElseThrow();
        assertTrue(freshness.path("exemplar").asBoolean(), freshness.toString());
    }

    @Test
    void aRenamedOrMisspelledMetricIsReported() {
        Map<String, String> known = Map.of("freshrag_freshness_seconds_bucket", "code", "freshrag_dlq_total", "code");
        assertEquals(List.of(), unknownMetrics(Map.of("ok", "sum by (stage) (increase(freshrag_dlq_total{stage=\"embed\"}[5m])) > 0"), known));
        List<String> problems = unknownMetrics(Map.of("q",
                "histogram_quantile(0.99, sum by (le) (rate(freshrag_freshnes_seconds_bucket[$__rate_interval])))"), known);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("freshrag_freshnes_seconds_bucket"), problems.get(0));
        assertFalse(unknownMetrics(Map.of("q", "vector(1)"), known).isEmpty(), "a query without a metric is reported");
    }

    @Test
    void promQlNamesAreTheMetricsNotTheLabelsOrFunctions() {
        assertEquals(Set.of("a_total", "b_seconds_count"), PromQl.metricNames(
                "sum by (tenant, le) (rate(a_total{x=\"y_total\", le=\"1.0\"}[5m] offset 1h)) / on (pod) group_left "
                        + "sum(rate(b_seconds_count[$__rate_interval])) > 14.4 * 0.01 unless absent(a_total)"));
    }

    @Test
    void micrometerNamesBecomePrometheusSeries() {
        ExportedMetrics m = new ExportedMetrics();
        m.read("""
                Counter.builder("freshrag.dlq").tag("stage", "x").register(r);
                Timer.builder("freshrag.freshness").publishPercentileHistogram().register(r);
                Timer.builder("freshrag.lora.load").register(r);
                DistributionSummary.builder("freshrag.embed.batch.chunks").register(r);
                Gauge.builder("freshrag.lane.pending.records", x, X::get).register(r);
                """, "X.java");
        assertEquals(Set.of("freshrag_dlq_total", "freshrag_freshness_seconds_bucket", "freshrag_freshness_seconds_count",
                "freshrag_freshness_seconds_sum", "freshrag_freshness_seconds_max", "freshrag_lora_load_seconds_count",
                "freshrag_lora_load_seconds_sum", "freshrag_lora_load_seconds_max", "freshrag_embed_batch_chunks_count",
                "freshrag_embed_batch_chunks_sum", "freshrag_embed_batch_chunks_max", "freshrag_lane_pending_records"),
                m.series.keySet());
    }

    @Test
    void kubernetesSendsTracesOverOtlpAndLogsJson() throws IOException {
        String common = Files.readString(ROOT.resolve("deploy/k8s/base/config/common.env"));
        for (String line : List.of("QUARKUS_OTEL_SDK_DISABLED=false", "QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT=http",
                "QUARKUS_LOG_CONSOLE_JSON_ENABLED=true")) {
            assertTrue(common.lines().anyMatch(l -> l.startsWith(line)), "common.env sets " + line);
        }
        // and locally both are off: the services' own defaults
        for (String service : List.of("ingest-service", "embed-service", "query-service")) {
            String props = Files.readString(ROOT.resolve(service).resolve("src/main/resources/application.properties"));
            assertTrue(props.lines().anyMatch(l -> l.equals("quarkus.otel.sdk.disabled=true")), service);
            assertTrue(props.lines().anyMatch(l -> l.equals("quarkus.log.console.json.enabled=false")), service);
        }
    }
}
