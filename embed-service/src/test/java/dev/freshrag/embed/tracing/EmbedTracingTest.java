package dev.freshrag.embed.tracing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.freshrag.events.ChunkOp;
import dev.freshrag.events.DocumentOps;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Topics;
import dev.freshrag.testkit.KafkaBroker;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The embed-service's hop of a change's trace, on the in-JVM broker with the real model and index: a kb.chunk-ops
 * record carrying a {@code traceparent} (as the ingest topology writes it) is applied under a span that continues that
 * trace, with the embedding and the index commit as its children; and the freshness histogram's exemplars name the
 * traces of applied records.
 */
@QuarkusTest
class EmbedTracingTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern EXEMPLAR = Pattern.compile(
            "^freshrag_freshness_seconds_bucket\\{.*# \\{[^}]*trace_id=\"([0-9a-f]{32})\"", Pattern.MULTILINE);

    @Inject
    InMemorySpanExporter spans;

    @Test
    void aRecordIsAppliedInTheTraceItsHeadersName() {
        String tenant = "trc-" + UUID.randomUUID().toString().substring(0, 8);
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String parentSpanId = "00f067aa0ba902b7";
        DocumentOps ops = new DocumentOps(tenant, "leave.md", 1, DocumentOps.Kind.APPLY, "Leave", Map.of(),
                List.of(ChunkOp.embed(UUID.randomUUID().toString(), 0, "hash-leave-0", "Employees get 25 days of paid leave.")),
                1, 0, 0);
        KafkaBroker.shared().produce(Topics.CHUNK_OPS, (tenant + "/leave.md").getBytes(StandardCharsets.UTF_8),
                EventJson.write(ops), Map.of("traceparent", "00-" + traceId + "-" + parentSpanId + "-01"));

        SpanData process = await().atMost(WAIT).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId) && s.getName().equals(Topics.CHUNK_OPS + " process"))
                .findFirst().orElse(null), s -> s != null);
        assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(process.getParentSpanId()).as("continues the record's context").isEqualTo(parentSpanId);
        assertThat(process.getAttributes().get(BatchTracing.TENANT)).isEqualTo(tenant);
        assertThat(process.getAttributes().get(BatchTracing.LANE)).isEqualTo("live");

        List<SpanData> children = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getParentSpanId().equals(process.getSpanId())).toList();
        assertThat(children).extracting(SpanData::getName)
                .containsExactlyInAnyOrder(BatchTracing.EMBED_SPAN, BatchTracing.COMMIT_SPAN);
        SpanData embed = children.stream().filter(s -> s.getName().equals(BatchTracing.EMBED_SPAN)).findFirst().orElseThrow();
        SpanData commit = children.stream().filter(s -> s.getName().equals(BatchTracing.COMMIT_SPAN)).findFirst().orElseThrow();
        assertThat(embed.getAttributes().get(BatchTracing.SLICE_CHUNKS)).isGreaterThanOrEqualTo(1L);
        // in order, inside the record's span: arrival <= embedding <= commit <= durable
        assertThat(process.getStartEpochNanos()).isLessThanOrEqualTo(embed.getStartEpochNanos());
        assertThat(embed.getEndEpochNanos()).isLessThanOrEqualTo(commit.getStartEpochNanos());
        assertThat(commit.getEndEpochNanos()).isEqualTo(process.getEndEpochNanos());

        // exemplars exist only in the OpenMetrics format, and each names the trace of an applied record
        String metrics = given().accept("application/openmetrics-text; version=1.0.0; charset=utf-8")
                .get("/q/metrics").then().statusCode(200).extract().asString();
        Set<String> recordTraces = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().endsWith(" process")).map(SpanData::getTraceId).collect(Collectors.toSet());
        Matcher m = EXEMPLAR.matcher(metrics);
        int exemplars = 0;
        while (m.find()) {
            exemplars++;
            assertThat(recordTraces).as("exemplar trace " + m.group(1)).contains(m.group(1));
        }
        assertThat(exemplars).as("freshness exemplars in\n" + metrics.lines()
                .filter(l -> l.startsWith("freshrag_freshness")).collect(Collectors.joining("\n"))).isPositive();
    }
}
