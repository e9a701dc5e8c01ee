package dev.freshrag.query.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** A remote embedding server's faults reach the client as problem details: 503 to retry, or 400 for the query. */
@QuarkusTest
class EmbedderProblemMappersTest {

    @Test
    void anUnavailableEmbeddingServerIs503WithRetryAfterAndNoInternals() {
        given().get("/test-only/embedder-failure/unavailable").then()
                .statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "5")
                .body("detail", equalTo("the embedding server is unavailable; retry shortly"))
                .body(not(containsString("tei.internal")));
    }

    @Test
    void aQueryTheServerRejectsIs400() {
        given().get("/test-only/embedder-failure/rejected").then()
                .statusCode(400)
                .contentType("application/problem+json")
                .header("Retry-After", emptyOrNullString())
                .body("status", equalTo(400))
                .body("detail", equalTo("the embedding server rejected the query (HTTP 400); a shorter query may pass"))
                .body(not(containsString("vllm.internal")));
    }
}
