package dev.freshrag.ingest.operator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.events.DlqHeaders;
import dev.freshrag.events.Topics;
import dev.freshrag.testkit.KafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter re-drive on the in-JVM broker and the real topology: a malformed event on kb.doc-changes is
 * dead-lettered, listed over HTTP, replayed as it is, and back on kb.doc-changes marked as replayed. Keys are off
 * in these tests ({@code GatewayTestResources}); the operator role is tested in freshrag-security.
 */
@QuarkusTest
class DlqOperatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final String tenant = "dlq-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void aDeadLetterIsListedAndReplayedToItsSourceTopic() throws Exception {
        String key = tenant + "/broken.md";
        try (KafkaProducer<String, String> p = KafkaBroker.shared().newStringProducer()) {
            p.send(new ProducerRecord<>(Topics.DOC_CHANGES, key, "{not json")).get();
        }
        ConsumerRecord<String, String> dead = KafkaBroker.shared().awaitRecord(Topics.DLQ, r -> key.equals(r.key()), WAIT);

        JsonNode listed = JSON.readTree(given().queryParam("tenant", tenant).get("/v1/operator/dlq")
                .then().statusCode(200).extract().asString());
        assertThat(listed.size()).isEqualTo(1);
        JsonNode letter = listed.get(0);
        assertThat(letter.get("tenant").asText()).isEqualTo(tenant);
        assertThat(letter.get("key").asText()).isEqualTo(key);
        assertThat(letter.get("stage").asText()).isEqualTo("ingest");
        assertThat(letter.get("sourceTopic").asText()).isEqualTo(Topics.DOC_CHANGES);
        assertThat(letter.get("field").asText()).isEqualTo("$");
        assertThat(letter.get("partition").asInt()).isEqualTo(dead.partition());
        assertThat(letter.get("offset").asLong()).isEqualTo(dead.offset());
        assertThat(letter.get("reason").asText()).contains("not valid JSON");

        // the same record by offset range, and a reason that selects nothing
        JsonNode byOffset = JSON.readTree(given().queryParam("partition", dead.partition()).queryParam("from", dead.offset())
                .queryParam("to", dead.offset()).get("/v1/operator/dlq").then().statusCode(200).extract().asString());
        assertThat(byOffset.size()).isEqualTo(1);
        assertThat(byOffset.get(0).get("key").asText()).isEqualTo(key);
        JsonNode none = JSON.readTree(given().queryParam("tenant", tenant).queryParam("reason", "no such reason")
                .get("/v1/operator/dlq").then().statusCode(200).extract().asString());
        assertThat(none.size()).isZero();

        String replayed = given().queryParam("tenant", tenant).post("/v1/operator/dlq/replay")
                .then().statusCode(200).extract().asString();
        assertThat(JSON.readTree(replayed).get("replayed").asInt()).isEqualTo(1);

        String marker = Topics.DLQ + "/" + dead.partition() + "/" + dead.offset();
        ConsumerRecord<String, String> back = KafkaBroker.shared().awaitRecord(Topics.DOC_CHANGES,
                r -> key.equals(r.key()) && r.headers().lastHeader(DlqHeaders.REPLAYED_FROM) != null, WAIT);
        assertThat(back.value()).isEqualTo("{not json");
        assertThat(new String(back.headers().lastHeader(DlqHeaders.REPLAYED_FROM).value(), StandardCharsets.UTF_8)).isEqualTo(marker);
        List<String> dlqHeaders = java.util.stream.StreamSupport.stream(back.headers().spliterator(), false)
                .map(Header::key).filter(k -> k.startsWith(DlqHeaders.PREFIX) && !k.equals(DlqHeaders.REPLAYED_FROM)).toList();
        assertThat(dlqHeaders).as("the old dead-letter headers are not carried back").isEmpty();
        assertThat(back.headers().lastHeader(dev.freshrag.events.Priority.HEADER)).as("a replay is bulk work").isNotNull();
        assertThat(new String(back.headers().lastHeader(dev.freshrag.events.Priority.HEADER).value(), StandardCharsets.UTF_8))
                .isEqualTo("bulk");
    }

    @Test
    void anOffsetRangeNeedsAPartitionAndTheLimitIsBounded() {
        given().queryParam("from", 3).get("/v1/operator/dlq").then().statusCode(400)
                .contentType("application/problem+json");
        given().queryParam("limit", 0).post("/v1/operator/dlq/replay").then().statusCode(400);
    }
}
