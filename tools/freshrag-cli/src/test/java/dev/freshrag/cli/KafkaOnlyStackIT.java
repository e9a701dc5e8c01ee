package dev.freshrag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshrag.launcher.Markers;
import dev.freshrag.launcher.Readiness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real CLI on a real broker: {@code up --kafka-only} on free ports in a temporary FRESHRAG_HOME, then
 * {@code status} and {@code down}, then the day after: {@code up} again on the same data.
 */
class KafkaOnlyStackIT {

    @TempDir
    Path home;

    private Map<String, String> env;

    @AfterEach
    void leaveNothingRunning() {
        if (env != null) {
            new CapturedConsole().run(env, home, "down");
        }
    }

    @Test
    void upStatusDownAndUpAgainOnTheSameData() throws Exception {
        env = TestStacks.environment(home.resolve("data"));
        Settings settings = Settings.from(env, TestStacks.root(), home);
        int kafkaPort = settings.port(Component.KAFKA);

        CapturedConsole up = new CapturedConsole();
        assertEquals(0, up.run(env, home, "up", "--kafka-only", "--detach"), up.out() + up.err());
        assertTrue(up.out().contains("formatting the Kafka storage"), up.out());
        assertTrue(up.out().contains("topic created  kb.doc-changes (2 partitions"), up.out());
        assertTrue(up.out().contains("Kafka is up at 127.0.0.1:" + kafkaPort), up.out());
        assertTrue(Readiness.portOpen("127.0.0.1", kafkaPort));

        CapturedConsole status = new CapturedConsole();
        assertEquals(1, status.run(env, home, "status"), "the services are not running");
        String kafkaLine = status.outLines().get(1);
        assertTrue(kafkaLine.startsWith("kafka ") && kafkaLine.endsWith(" healthy"), status.out());
        assertTrue(status.outLines().get(2).endsWith(" stopped"), status.out());

        CapturedConsole down = new CapturedConsole();
        assertEquals(0, down.run(env, home, "down"), down.err());
        assertTrue(down.out().contains("FreshRAG is down (data kept in " + settings.home() + ")"), down.out());
        assertFalse(Readiness.portOpen("127.0.0.1", kafkaPort));
        assertFalse(Readiness.portOpen("127.0.0.1", settings.controllerPort()));
        assertTrue(Markers.findAll(settings.home()).isEmpty());
        assertTrue(Files.exists(settings.kafkaDir().resolve("data/meta.properties")), "data kept");

        CapturedConsole again = new CapturedConsole();
        assertEquals(0, again.run(env, home, "up", "--kafka-only", "--detach"), again.out() + again.err());
        assertFalse(again.out().contains("formatting"), again.out());
        assertTrue(again.out().contains("topic exists   kb.doc-changes"), again.out());
        assertEquals(0, new CapturedConsole().run(env, home, "down"));
        assertFalse(Readiness.portOpen("127.0.0.1", kafkaPort));
    }
}
