package dev.freshrag.query.search;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Index failures reach the client as 503 problem details, through the query-service's own mappers. */
@QuarkusTest
class IndexProblemMappersTest {

    @Test
    void anUnavailableIndexIs503WithRetryAfterAndNoInternals() {
        given().get("/test-only/index-failure/unavailable").then()
                .statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", "5")
                .body("status", equalTo(503))
                .body("title", equalTo("Service Unavailable"))
                .body("detail", equalTo("the vector index is unavailable; retry shortly"))
                .body(not(containsString("qdrant.internal")));
    }

    @Test
    void anIndexOfAnotherModelIs503WithoutRetryAfter() {
        given().get("/test-only/index-failure/mismatch").then()
                .statusCode(503)
                .contentType("application/problem+json")
                .header("Retry-After", emptyOrNullString())
                .body("status", equalTo(503))
                .body("detail", equalTo("the vector index was built with another embedding model"))
                .body(not(containsString("bge-small")));
    }
}
