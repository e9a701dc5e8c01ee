package dev.freshrag.ingest.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.events.BulkWriteToken;
import dev.freshrag.events.Priority;
import dev.freshrag.events.Topics;
import dev.freshrag.testkit.KafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/tenants/{tenant}/documents:bulk} on the in-JVM broker: every good line is an event on
 * kb.doc-changes marked {@code freshrag-priority: bulk}; a bad line is answered with its problem and the others go on;
 * one token covers every accepted line.
 */
@QuarkusTest
class BulkGatewayTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final String tenant = "bulk-" + UUID.randomUUID().toString().substring(0, 8);

    private Response bulk(String ndjson) {
        return given().urlEncodingEnabled(false).contentType("application/x-ndjson").body(ndjson.getBytes(StandardCharsets.UTF_8)).post("/v1/tenants/" + tenant + "/documents:bulk");
    }

    private List<ConsumerRecord<String, String>> ours() {
        return KafkaBroker.shared().consumeAll(Topics.DOC_CHANGES, WAIT).stream()
                .filter(rec -> rec.key() != null && rec.key().startsWith(tenant + "/"))
                .toList();
    }

    @Test
    void goodLinesArePublishedMarkedBulkAndBadLinesAreAnsweredEachWithItsProblem() throws Exception {
        String ndjson = String.join("\n",
                "{\"docId\": \"a.md\", \"version\": 1, \"contentType\": \"text/markdown\", \"content\": \"# A\\n\\nAlpha.\"}",
                "{\"docId\": \"b.md\", \"version\": \"two\", \"content\": \"x\"}",
                "",
                "not json",
                "{\"docId\": \"c.md\", \"op\": \"delete\", \"version\": 4}",
                "{\"docId\": \"d.md\", \"op\": \"rename\"}",
                "{\"version\": 1, \"content\": \"no id\"}",
                "{\"docId\": \"e/f.txt\", \"content\": \"versionless\", \"metadata\": {\"team\": \"hr\"}}");
        Response r = bulk(ndjson);
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(202);
        JsonNode body = JSON.readTree(r.asString());
        assertThat(body.get("accepted").asInt()).isEqualTo(3);
        assertThat(body.get("rejected").asInt()).isEqualTo(4);

        JsonNode results = body.get("results");
        assertThat(results).hasSize(7);
        assertThat(results.get(0).get("line").asInt()).isEqualTo(1);
        assertThat(results.get(0).get("status").asInt()).isEqualTo(202);
        assertThat(results.get(0).get("op").asText()).isEqualTo("upsert");
        JsonNode badType = results.get(1);
        assertThat(badType.get("line").asInt()).isEqualTo(2);
        assertThat(badType.get("docId").asText()).isEqualTo("b.md");
        assertThat(badType.get("status").asInt()).isEqualTo(400);
        assertThat(badType.get("problem").get("detail").asText()).startsWith("line 2: ").contains("version");
        assertThat(badType.get("problem").get("violations").get(0).get("field").asText()).isEqualTo("version");
        assertThat(results.get(2).get("line").asInt()).isEqualTo(4); // the empty line 3 is skipped, lines keep their numbers
        assertThat(results.get(2).get("problem").get("detail").asText()).startsWith("line 4: ").contains("JSON");
        assertThat(results.get(3).get("op").asText()).isEqualTo("delete");
        assertThat(results.get(3).get("status").asInt()).isEqualTo(202);
        assertThat(results.get(4).get("problem").get("violations").get(0).get("field").asText()).isEqualTo("op");
        assertThat(results.get(5).get("problem").get("violations").get(0).get("field").asText()).isEqualTo("docId");
        assertThat(results.get(6).get("status").asInt()).isEqualTo(202);

        BulkWriteToken token = BulkWriteToken.parse(body.get("token").asText()).orElseThrow();
        assertThat(token.tenant()).isEqualTo(tenant);

        List<ConsumerRecord<String, String>> written = KafkaBroker.shared().consumeAll(Topics.DOC_CHANGES, WAIT).stream()
                .filter(rec -> rec.key() != null && rec.key().startsWith(tenant + "/")).toList();
        assertThat(written).extracting(ConsumerRecord::key)
                .containsExactlyInAnyOrder(tenant + "/a.md", tenant + "/c.md", tenant + "/e/f.txt");
        for (ConsumerRecord<String, String> rec : written) {
            Header h = rec.headers().lastHeader(Priority.HEADER);
            assertThat(h).as("priority header of " + rec.key()).isNotNull();
            assertThat(new String(h.value(), StandardCharsets.UTF_8)).isEqualTo("bulk");
            // the token holds, per partition, the highest offset of the batch
            assertThat(token.highestOffsets()).containsKey(rec.partition());
            assertThat(token.highestOffsets().get(rec.partition())).isGreaterThanOrEqualTo(rec.offset());
        }
        for (Map.Entry<Integer, Long> e : token.highestOffsets().entrySet()) {
            assertThat(written).anyMatch(rec -> rec.partition() == e.getKey() && rec.offset() == e.getValue());
        }
    }

    @Test
    void anEmptyBodyOrTooManyLinesIsARequestProblemAndNothingIsWritten() throws Exception {
        Response empty = bulk("\n\n");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(empty.contentType()).startsWith("application/problem+json");

        String line = "{\"docId\": \"x\", \"op\": \"delete\"}\n";
        Response tooMany = bulk(line.repeat(BulkWrites.MAX_LINES + 1));
        assertThat(tooMany.statusCode()).isEqualTo(413);
        assertThat(tooMany.contentType()).startsWith("application/problem+json");
        assertThat(JSON.readTree(tooMany.asString()).get("detail").asText()).contains("10001 lines").contains("10000");

        Response fine = bulk("{\"docId\": \"ok\", \"op\": \"delete\"}");
        assertThat(fine.statusCode()).isEqualTo(202);
        assertThat(ours()).extracting(ConsumerRecord::key).containsExactly(tenant + "/ok");
    }
}
