package dev.freshrag.ingest.health;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.freshrag.testkit.KafkaBroker;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;

/**
 * On the in-JVM broker: readiness turns UP with the Streams client RUNNING and holding partitions, and the client
 * really is a static member of its group, under the id the readiness answer names (Streams appends "-1").
 */
@QuarkusTest
class StreamsReadinessOnBrokerTest {

    @Test
    void readyMeansRunningWithPartitionsAsAStaticMember() throws Exception {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
        JsonNode data = null;
        for (JsonNode check : new ObjectMapper().readTree(given().get("/q/health/ready").asString()).get("checks")) {
            if (check.get("name").asText().equals(StreamsReadiness.NAME)) {
                data = check.get("data");
            }
        }
        assertThat(data).as("the %s check", StreamsReadiness.NAME).isNotNull();
        assertThat(data.get("state").asText()).isEqualTo("RUNNING");
        assertThat(data.get("membership").asText()).isEqualTo("static");
        assertThat(data.get("assignedPartitions").asInt()).isPositive();
        String instanceId = data.get("groupInstanceId").asText();
        assertThat(instanceId).isNotEqualTo("none");

        ConsumerGroupDescription group = KafkaBroker.shared().admin().describeConsumerGroups(List.of("freshrag-ingest"))
                .describedGroups().get("freshrag-ingest").get();
        assertThat(group.members()).extracting(MemberDescription::groupInstanceId)
                .anySatisfy(id -> assertThat(id).contains(instanceId + "-1"));
    }
}
