package dev.freshrag.query.generation;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.query.answer.TestIndex;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/**
 * Which generation serves: {@code GET /v1/tenants/{tenant}/index}, readiness and {@code freshrag_generation_info}, on
 * the test index (a Lucene index without a generation pointer: generation 1 of the service's model).
 */
@QuarkusTest
class IndexInfoResourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theIndexEndpointNamesGenerationModelChunkingAndState() throws Exception {
        Response r = given().get("/v1/tenants/acme/index");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        JsonNode body = JSON.readTree(r.asString());
        assertThat(body.get("tenant").asText()).isEqualTo("acme");
        assertThat(body.get("generation").asText()).isEqualTo("g1");
        assertThat(body.get("model").asText()).isEqualTo(TestIndex.FINGERPRINT.modelId());
        assertThat(body.get("dimension").asInt()).isEqualTo(TestIndex.FINGERPRINT.dimension());
        assertThat(body.get("chunkMaxTokens").isNull()).as("no plan records the chunking of this index").isTrue();
        assertThat(body.get("state").asText()).isEqualTo("active");
    }

    @Test
    void anInvalidTenantIsAProblem() {
        Response r = given().get("/v1/tenants/bad%20tenant/index");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.asString()).contains("tenant");
    }

    @Test
    void readinessAndMetricsNameTheGeneration() throws Exception {
        Response r = given().get("/q/health/ready");
        JsonNode check = null;
        for (JsonNode c : JSON.readTree(r.asString()).get("checks")) {
            if (c.get("name").asText().equals("query-index")) {
                check = c;
            }
        }
        assertThat(check).as(r.asString()).isNotNull();
        assertThat(check.get("data").get("generation").asText()).isEqualTo("g1");
        assertThat(check.get("data").get("generationState").asText()).isEqualTo("active");
        assertThat(check.get("data").get("model").asText()).isEqualTo(TestIndex.FINGERPRINT.modelId());

        assertThat(given().get("/q/metrics").asString()).contains("freshrag_generation_info{generation=\"g1\",model=\""
                + TestIndex.FINGERPRINT.modelId() + "\",state=\"active\"} 1.0");
    }
}
