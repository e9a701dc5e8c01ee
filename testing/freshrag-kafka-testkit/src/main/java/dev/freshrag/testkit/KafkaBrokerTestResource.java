package dev.freshrag.testkit;

import dev.freshrag.events.Topics;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the JVM's shared {@link KafkaBroker} with the standard topics created
 * under their default names:
 *
 * <pre>
 * &#64;QuarkusTestResource(value = KafkaBrokerTestResource.class, restrictToAnnotatedClass = false)
 * </pre>
 *
 * Configuration it returns: {@code kafka.bootstrap.servers}, {@code quarkus.kafka-streams.bootstrap-servers},
 * {@code quarkus.devservices.enabled=false}, and a fresh {@code kafka-streams.state.dir} per test run
 * (Kafka Streams state must not survive between runs).
 *
 * <p>Init args: {@code partitions} (default {@value KafkaBroker#TEST_PARTITIONS}) for the standard topics.
 * The broker itself is stopped when the test JVM exits, not in {@link #stop()}, so that several Quarkus
 * applications started in one JVM share it.
 */
public class KafkaBrokerTestResource implements QuarkusTestResourceLifecycleManager {

    private int partitions = KafkaBroker.TEST_PARTITIONS;

    @Override
    public void init(Map<String, String> initArgs) {
        String p = initArgs.get("partitions");
        if (p != null) {
            partitions = Integer.parseInt(p);
        }
    }

    @Override
    public Map<String, String> start() {
        KafkaBroker broker = KafkaBroker.shared();
        // Topics.specs gives kb.chunk-ops as many partitions as kb.doc-changes
        broker.createTopics(Topics.specs(partitions));
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", broker.bootstrapServers());
        config.put("quarkus.kafka-streams.bootstrap-servers", broker.bootstrapServers());
        config.put("quarkus.devservices.enabled", "false");
        config.put("kafka-streams.state.dir", freshStateDir());
        return config;
    }

    private static String freshStateDir() {
        try {
            Path base = Path.of("target", "kafka-streams-state").toAbsolutePath();
            Files.createDirectories(base);
            return Files.createTempDirectory(base, "run-").toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // the shared broker lives until the JVM exits
    }
}
