package dev.freshrag.query.tracing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.freshrag.embedding.Embedder;
import dev.freshrag.query.answer.TestIndex;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The last hop of a change's trace: a search sent with the {@code traceparent} its write was answered with joins the
 * write's trace, and its read-your-writes wait, the query's embedding and the index search are spans inside it.
 */
@QuarkusTest
class QueryTracingTest {

    @Inject
    InMemorySpanExporter spans;

    @Inject
    Embedder embedder;

    @ConfigProperty(name = "freshrag.index.lucene.path")
    String indexPath;

    @Test
    void aSearchThatWaitsForAWriteJoinsTheWritesTrace() {
        String tenant = "qtr-" + UUID.randomUUID().toString().substring(0, 8);
        String token = TestIndex.put(Path.of(indexPath), embedder, tenant, "leave.md", 1, "Leave",
                List.of("Employees get 25 days of paid leave per year."));
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String writeSpanId = "b7ad6b7169203331";

        given().header("traceparent", "00-" + traceId + "-" + writeSpanId + "-01").contentType("application/json")
                .body(Map.of("query", "paid leave", "consistentWith", List.of(token)))
                .post("/v1/tenants/" + tenant + "/search")
                .then().statusCode(200);

        SpanData server = await().atMost(Duration.ofSeconds(30)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.SERVER)
                .findFirst().orElse(null), s -> s != null);
        assertThat(server.getParentSpanId()).as("the search continues the write's trace").isEqualTo(writeSpanId);
        assertThat(server.getName()).startsWith("POST ");

        List<SpanData> steps = spans.getFinishedSpanItems().stream()
                .filter(s -> s.getParentSpanId().equals(server.getSpanId())).toList();
        assertThat(steps).extracting(SpanData::getName).contains(
                RetrievalTracing.WAIT_SPAN, RetrievalTracing.EMBED_SPAN, RetrievalTracing.SEARCH_SPAN);
        SpanData wait = steps.stream().filter(s -> s.getName().equals(RetrievalTracing.WAIT_SPAN)).findFirst().orElseThrow();
        assertThat(wait.getAttributes().get(RetrievalTracing.TOKENS)).isEqualTo(1L);
        assertThat(wait.getAttributes().get(RetrievalTracing.CONSISTENT)).isTrue();
    }

    @Test
    void aSearchWithoutTokensHasNoWaitSpan() {
        String tenant = "qtr-" + UUID.randomUUID().toString().substring(0, 8);
        String traceId = UUID.randomUUID().toString().replace("-", "");
        given().header("traceparent", "00-" + traceId + "-b7ad6b7169203332-01").contentType("application/json")
                .body(Map.of("query", "paid leave")).post("/v1/tenants/" + tenant + "/search").then().statusCode(200);

        SpanData server = await().atMost(Duration.ofSeconds(30)).until(() -> spans.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(traceId) && s.getKind() == SpanKind.SERVER)
                .findFirst().orElse(null), s -> s != null);
        assertThat(spans.getFinishedSpanItems().stream().filter(s -> s.getParentSpanId().equals(server.getSpanId())))
                .extracting(SpanData::getName)
                .contains(RetrievalTracing.SEARCH_SPAN)
                .doesNotContain(RetrievalTracing.WAIT_SPAN);
    }
}
