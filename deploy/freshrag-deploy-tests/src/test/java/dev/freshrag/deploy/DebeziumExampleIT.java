package dev.freshrag.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * overlays/dev-debezium: the Strimzi KafkaConnect + KafkaConnector example is wired to the ingest-service's source
 * mapping (the connector's topic is the mapped topic, which exists as a KafkaTopic), Connect may reach the brokers,
 * and its plugin is the Debezium version the tests run.
 */
class DebeziumExampleIT {

    private static final Rendered R = Rendered.overlay("dev-debezium");

    private static Map<String, Object> only(Rendered r, String kind) {
        List<Map<String, Object>> all = r.ofKind(kind);
        assertEquals(1, all.size(), "one " + kind);
        return all.get(0);
    }

    @Test
    void theConnectorWritesTheTopicTheIngestServiceMaps() {
        Map<String, Object> connect = only(R, "KafkaConnect");
        Map<String, Object> connector = only(R, "KafkaConnector");
        assertEquals(Rendered.name(connect), Yml.str(connector, "metadata", "labels", "strimzi.io/cluster"), "the connector runs on the KafkaConnect");
        assertEquals("io.debezium.connector.postgresql.PostgresConnector", Yml.str(connector, "spec", "class"));
        String topic = Yml.str(connector, "spec", "config", "topic.prefix") + "." + Yml.str(connector, "spec", "config", "table.include.list");

        Map<String, Object> ingest = Rendered.mainContainer(R.workload("ingest-service").orElseThrow());
        assertEquals(topic, R.envValue(ingest, "FRESHRAG_SOURCES_DEBEZIUM_PAGES_TOPIC"), "the mapping reads the connector's topic");
        assertTrue(R.ofKind("KafkaTopic").stream().anyMatch(t -> topic.equals(Yml.str(t, "spec", "topicName"))),
                "the mapped topic is a KafkaTopic (the brokers do not create topics, and the ingest-service waits for it)");
        assertTrue(Code.get().services.stream().filter(s -> s.name.equals("ingest-service")).findFirst().orElseThrow()
                .acceptsEnv("FRESHRAG_SOURCES_DEBEZIUM_PAGES_CONTENT_COLUMN"), "the mapping keys are the ingest-service's properties");
    }

    @Test
    void connectReachesTheBrokersAndBuildsTheDebeziumVersionTheTestsRun() throws Exception {
        Map<String, Object> kafka = only(R, "Kafka");
        List<Map<String, Object>> peers = Yml.maps(Yml.maps(kafka, "spec", "kafka", "listeners").get(0), "networkPolicyPeers");
        assertTrue(peers.stream().anyMatch(p -> "KafkaConnect".equals(Yml.str(p, "podSelector", "matchLabels", "strimzi.io/kind"))),
                "the listener admits the Connect workers: " + peers);
        assertFalse(Rendered.overlay("dev").ofKind("Kafka").stream().flatMap(k -> Yml.maps(Yml.maps(k, "spec", "kafka", "listeners").get(0), "networkPolicyPeers").stream())
                .anyMatch(p -> "KafkaConnect".equals(Yml.str(p, "podSelector", "matchLabels", "strimzi.io/kind"))), "only the example admits Connect");

        Map<String, Object> artifact = Yml.maps(Yml.maps(only(R, "KafkaConnect"), "spec", "build", "plugins").get(0), "artifacts").get(0);
        assertEquals("debezium-connector-postgres", Yml.str(artifact, "artifact"));
        Matcher m = Pattern.compile("<debezium.version>([^<]+)</debezium.version>").matcher(Files.readString(RepoRoot.get().resolve("pom.xml")));
        assertTrue(m.find(), "the root pom pins debezium.version");
        assertEquals(m.group(1), Yml.str(artifact, "version"), "the example builds the connector version DebeziumPostgresIT runs");
    }

    @Test
    void aMisspeltConnectFieldFailsTheSchemaValidation() {
        Rendered broken = R.mutate();
        Map<String, Object> spec = Yml.map(broken.ofKind("KafkaConnect").get(0), "spec");
        spec.put("bootstrapServer", spec.remove("bootstrapServers"));
        List<String> problems = SchemaValidation.strimzi(broken);
        System.out.println("[deploy-tests] mutation KafkaConnect spec.bootstrapServer -> " + problems);
        assertTrue(String.join("\n", problems).contains("bootstrapServer"), "a problem names the misspelt field: " + problems);

        Rendered broken2 = R.mutate();
        Yml.map(broken2.ofKind("KafkaConnector").get(0), "spec").put("tasksMax", "one");
        assertFalse(SchemaValidation.strimzi(broken2).isEmpty(), "tasksMax must be an integer");
    }
}
