package dev.freshrag.embed.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Readiness of the embed-service on the in-JVM broker: UP only with kb.chunk-ops partitions assigned. */
@QuarkusTest
class EmbedReadinessTest {

    @Test
    void readyOnlyWithAHealthyIndexAndPartitions() {
        assertThat(EmbedReadiness.isReady(true, 3)).isTrue();
        // connected but still waiting for the group to hand out partitions: a write now would wait
        assertThat(EmbedReadiness.isReady(true, 0)).isFalse();
        assertThat(EmbedReadiness.isReady(false, 3)).isFalse();
    }

    @Test
    void theReadinessAnswerCountsTheAssignedPartitions() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
        Integer partitions = given().get("/q/health/ready").path("checks.find { it.name == 'embed-pipeline' }.data.assignedPartitions");
        assertThat(partitions).isPositive();
    }
}
