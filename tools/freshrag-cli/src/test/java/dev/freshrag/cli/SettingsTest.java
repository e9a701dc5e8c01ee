package dev.freshrag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SettingsTest {

    private static final Path ROOT = Path.of("/repo");
    private static final Path CWD = Path.of("/work/here");

    @Test
    void defaultsAreTheDocumentedOnes() {
        Settings s = Settings.from(Map.of(), ROOT, CWD);
        assertEquals(Path.of("/repo/.freshrag"), s.home());
        assertEquals(Path.of("/repo/.freshrag/keys"), s.keysFile());
        assertEquals(8080, s.port(Component.QUERY));
        assertEquals(8081, s.port(Component.INGEST));
        assertEquals(8082, s.port(Component.EMBED));
        assertEquals(9092, s.port(Component.KAFKA));
        assertEquals(9093, s.controllerPort());
        assertEquals("127.0.0.1", s.httpHost());
        assertEquals(Duration.ofSeconds(180), s.startTimeout());
        assertEquals(Duration.ofSeconds(20), s.stopGrace());
        assertEquals("acme", s.tenant());
        assertEquals(OptionalInt.empty(), s.partitions());
        assertEquals(List.of(), s.javaOpts());
        assertEquals(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"), s.kafkaJavaOpts());
        assertEquals(Path.of("/repo/query-service/target/quarkus-app/quarkus-run.jar"), s.jar(Component.QUERY));
    }

    @Test
    void variablesOverrideAndRelativePathsAreTakenFromTheWorkingDirectory() {
        Settings s = Settings.from(Map.of(
                "FRESHRAG_HOME", "data",
                "FRESHRAG_QUERY_PORT", "28080",
                "FRESHRAG_HTTP_HOST", "0.0.0.0",
                "FRESHRAG_JAVA_OPTS", "  -Xmx1g   -Dx=y ",
                "FRESHRAG_MAVEN_ARGS", "-o",
                "FRESHRAG_TENANT", "globex",
                "FRESHRAG_KAFKA_PARTITIONS", "3",
                "FRESHRAG_SECURITY_KEYS_FILE", "../keys",
                "FRESHRAG_START_TIMEOUT", "5"), ROOT, CWD);
        assertEquals(Path.of("/work/here/data"), s.home());
        assertEquals(Path.of("/work/keys"), s.keysFile());
        assertEquals(28080, s.port(Component.QUERY));
        assertEquals("0.0.0.0", s.httpHost());
        assertEquals(List.of("-Xmx1g", "-Dx=y"), s.javaOpts());
        assertEquals(List.of("-o"), s.mavenArgs());
        assertEquals("globex", s.tenant());
        assertEquals(OptionalInt.of(3), s.partitions());
        assertEquals(Duration.ofSeconds(5), s.startTimeout());
        assertEquals(Path.of("/work/here/data/logs/kafka.log"), s.logFile(Component.KAFKA));
        assertEquals(Path.of("/work/here/data/run/embed-service.pid"), s.pidFile(Component.EMBED));
    }

    @Test
    void badNumbersNameTheVariable() {
        CliFailure port = assertThrows(CliFailure.class, () -> Settings.from(Map.of("FRESHRAG_KAFKA_PORT", "70000"), ROOT, CWD));
        assertTrue(port.getMessage().contains("FRESHRAG_KAFKA_PORT must be a port number"), port.getMessage());
        CliFailure partitions = assertThrows(CliFailure.class,
                () -> Settings.from(Map.of("FRESHRAG_KAFKA_PARTITIONS", "0"), ROOT, CWD));
        assertTrue(partitions.getMessage().contains("FRESHRAG_KAFKA_PARTITIONS must be a positive integer"));
    }

    @Test
    void theBenchStackReplacesPortsAndHomeAndDropsTheKeysFile() {
        Settings s = Settings.from(Map.of("FRESHRAG_SECURITY_KEYS_FILE", "/etc/keys", "FRESHRAG_LLM_MODEL", "m"), ROOT, CWD);
        BenchSettings bench = BenchSettings.from(s, CWD);
        Settings stack = s.with(bench.stackEnvironment());
        assertEquals(Path.of("/repo/.freshrag/bench/stack"), stack.home());
        assertEquals(Path.of("/repo/.freshrag/bench/stack/keys"), stack.keysFile());
        assertEquals(18080, stack.port(Component.QUERY));
        assertEquals(18092, stack.port(Component.KAFKA));
        assertEquals(18093, stack.controllerPort());
        assertEquals("m", stack.env().get("FRESHRAG_LLM_MODEL"));
    }
}
