package dev.freshrag.ingest.tracing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.freshrag.events.Topics;
import dev.freshrag.testkit.KafkaBroker;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * The first two hops of a change's trace, on the in-JVM broker: the gateway's PUT (server span), the record it
 * publishes to kb.doc-changes (the connector's producer span, a child of the PUT), the topology's processing of that
 * record (a child of the producer span, read from the record's headers), and the kb.chunk-ops record it emits, whose
 * {@code traceparent} names the processing span, so the embed-service continues the same trace.
 */
@QuarkusTest
class IngestTracingTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Inject
    InMemorySpanExporter spans;

    private final String tenant = "tr-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aPutIsOneTraceFromTheRequestToTheChunkOpsRecord() {
        Response r = given().urlEncodingEnabled(false).contentType("application/json")
                .body("{\"version\": 1, \"title\": \"Leave\", \"content\": \"# Leave\\n\\nEmployees get 25 days of paid leave.\"}")
                .put("/v1/tenants/" + tenant + "/documents/handbook%2Fleave.md");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
        String traceparent = r.header(TraceResponseHeader.HEADER);
        assertThat(traceparent).as("the write answers with its trace context").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]");
        String traceId = traceparent.split("-")[1];
        String serverSpanId = traceparent.split("-")[2];

        SpanData process = await().atMost(WAIT).until(() -> find(traceId, StreamsTracing.PROCESS_SPAN), s -> s != null);
        List<SpanData> trace = spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();

        SpanData server = trace.stream().filter(s -> s.getSpanId().equals(serverSpanId)).findFirst().orElseThrow(
                () -> new AssertionError("no span " + serverSpanId + " in " + names(trace)));
        assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(server.getName()).startsWith("PUT ");

        SpanData publish = trace.stream().filter(s -> s.getKind() == SpanKind.PRODUCER).findFirst().orElseThrow(
                () -> new AssertionError("no producer span in " + names(trace)));
        assertThat(publish.getName()).contains(Topics.DOC_CHANGES);
        assertThat(publish.getParentSpanId()).as("the publish span is a child of the PUT").isEqualTo(server.getSpanId());

        assertThat(process.getKind()).isEqualTo(SpanKind.CONSUMER);
        assertThat(process.getParentSpanId()).as("the topology continues the record's context").isEqualTo(publish.getSpanId());
        assertThat(process.getAttributes().get(StreamsTracing.OUTCOME)).isEqualTo("apply");

        ConsumerRecord<String, String> ops = KafkaBroker.shared().awaitRecord(Topics.CHUNK_OPS,
                rec -> (tenant + "/handbook/leave.md").equals(rec.key()), WAIT);
        Header header = ops.headers().lastHeader("traceparent");
        assertThat(header).as("kb.chunk-ops records carry the trace").isNotNull();
        assertThat(new String(header.value(), StandardCharsets.UTF_8))
                .startsWith("00-" + traceId + "-" + process.getSpanId() + "-");
    }

    private SpanData find(String traceId, String name) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId) && s.getName().equals(name))
                .findFirst().orElse(null);
    }

    private static List<String> names(List<SpanData> trace) {
        return trace.stream().map(s -> s.getName() + "(" + s.getKind() + ")").toList();
    }
}
