package dev.freshrag.query.tenants;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.events.Topics;
import dev.freshrag.testkit.KafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The admin API over the compacted topic, on the test broker. */
@QuarkusTest
class TenantConfigResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String tenant = "cfg-" + UUID.randomUUID().toString().substring(0, 8);

    private Response put(String body) {
        return given().contentType("application/json").body(body).put("/v1/admin/tenants/" + tenant);
    }

    private Response get() {
        return given().get("/v1/admin/tenants/" + tenant);
    }

    private static List<String> fields(Response r) throws Exception {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        List<String> out = new ArrayList<>();
        JSON.readTree(r.asString()).get("violations").forEach(v -> out.add(v.get("field").asText()));
        return out;
    }

    @Test
    void aPutIsVisibleToTheGetRightAfterAndLandsOnTheCompactedTopic() throws Exception {
        Response put = put("""
                {"adapter": {"name": "acme-support", "source": "/adapters/acme-v3"},
                 "promptTemplate": "Use the passages.\\n{passages}\\nQuestion: {question}", "topK": 5}""");
        assertThat(put.statusCode()).as(put.asString()).isEqualTo(200);
        JsonNode written = JSON.readTree(put.asString());
        assertThat(written.get("tenant").asText()).isEqualTo(tenant);
        assertThat(written.get("updatedAt").asText()).isNotBlank();

        Response get = get();
        assertThat(get.statusCode()).isEqualTo(200);
        JsonNode read = JSON.readTree(get.asString());
        assertThat(read).isEqualTo(written);
        assertThat(read.get("adapter").get("name").asText()).isEqualTo("acme-support");
        assertThat(read.get("adapter").get("source").asText()).isEqualTo("/adapters/acme-v3");
        assertThat(read.get("topK").asInt()).isEqualTo(5);

        ConsumerRecord<String, String> record = KafkaBroker.shared().awaitRecord(Topics.TENANT_CONFIG,
                r -> tenant.equals(r.key()), Duration.ofSeconds(30));
        assertThat(JSON.readTree(record.value())).isEqualTo(written);
        assertThat(KafkaBroker.shared().topicConfig(Topics.TENANT_CONFIG).get("cleanup.policy")).isEqualTo("compact");
    }

    @Test
    void aPutReplacesTheWholeConfiguration() throws Exception {
        assertThat(put("{\"topK\": 3, \"adapter\": {\"name\": \"a\", \"source\": \"/a\"}}").statusCode()).isEqualTo(200);
        assertThat(put("{\"promptTemplate\": \"{passages} {question}\"}").statusCode()).isEqualTo(200);
        JsonNode read = JSON.readTree(get().asString());
        assertThat(read.get("topK").isNull()).isTrue();
        assertThat(read.get("adapter").isNull()).isTrue();
        assertThat(read.get("promptTemplate").asText()).isEqualTo("{passages} {question}");
    }

    @Test
    void invalidConfigurationsAreRefusedWithTheFieldNamed() throws Exception {
        assertThat(fields(put("{\"adapter\": {\"name\": \"no spaces allowed\", \"source\": \"/a\"}}"))).containsExactly("adapter.name");
        assertThat(fields(put("{\"adapter\": {\"name\": \"ok\"}}"))).containsExactly("adapter.source");
        assertThat(fields(put("{\"topk\": 5}"))).containsExactly("topk");
        assertThat(fields(put("{\"topK\": \"5\"}"))).containsExactly("topK");
        assertThat(fields(put("{\"topK\": 1000}"))).containsExactly("topK");
        assertThat(fields(put("{\"promptTemplate\": \"Answer {question}\"}"))).containsExactly("promptTemplate");
        assertThat(fields(put("{\"promptTemplate\": \"{passages} {question} {tenant}\"}"))).containsExactly("promptTemplate");
        assertThat(fields(put("not json"))).containsExactly("$");
        assertThat(fields(given().contentType("application/json").body("{}").put("/v1/admin/tenants/Bad_Tenant"))).containsExactly("tenant");
        assertThat(get().statusCode()).as("nothing was written").isEqualTo(404);
    }

    @Test
    void anUnknownTenantIs404AndADeleteRemovesTheConfiguration() throws Exception {
        Response none = get();
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.contentType()).startsWith("application/problem+json");
        assertThat(put("{\"topK\": 4}").statusCode()).isEqualTo(200);
        assertThat(get().statusCode()).isEqualTo(200);
        assertThat(given().delete("/v1/admin/tenants/" + tenant).statusCode()).isEqualTo(204);
        assertThat(get().statusCode()).isEqualTo(404);
        ConsumerRecord<String, String> tombstone = KafkaBroker.shared().awaitRecord(Topics.TENANT_CONFIG,
                r -> tenant.equals(r.key()) && r.value() == null, Duration.ofSeconds(30));
        assertThat(tombstone.value()).isNull();
    }

    @Test
    void followsConfigurationsWrittenByOthers() throws Exception {
        String value = "{\"tenant\": \"" + tenant + "\", \"topK\": 8, \"adapter\": null, \"promptTemplate\": null, \"updatedAt\": \"x\"}";
        KafkaBroker.shared().produce(Topics.TENANT_CONFIG, tenant.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8), Map.of());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Response r = get();
        while (r.statusCode() == 404 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            r = get();
        }
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(r.asString()).get("topK").asInt()).isEqualTo(8);
    }

    @Test
    void readinessReportsTheTenantConfigurationView() throws Exception {
        Response r = given().get("/q/health/ready");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        JsonNode checks = JSON.readTree(r.asString()).get("checks");
        JsonNode check = null;
        for (JsonNode c : checks) {
            if (c.get("name").asText().equals("tenant-config")) {
                check = c;
            }
        }
        assertThat(check).as(r.asString()).isNotNull();
        assertThat(check.get("status").asText()).isEqualTo("UP");
        assertThat(check.get("data").get("topic").asText()).isEqualTo(Topics.TENANT_CONFIG);
    }
}
