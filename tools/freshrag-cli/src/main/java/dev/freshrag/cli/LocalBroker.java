package dev.freshrag.cli;

import dev.freshrag.launcher.LaunchSpec;
import dev.freshrag.launcher.LogTail;
import dev.freshrag.launcher.ProcessLauncher;
import dev.freshrag.launcher.Readiness;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * The local Kafka broker: a child {@code java kafka.Kafka server.properties} on this CLI's own classpath
 * (which holds kafka_2.13 and the log4j binding), its storage formatted once per data directory.
 */
public final class LocalBroker {

    /** In the CLI's resources; a unique name, so that no other log4j2 file on the classpath wins. */
    static final String LOG4J_CONFIG = "freshrag-kafka-log4j2.xml";

    private final Settings settings;
    private final Console console;

    public LocalBroker(Settings settings, Console console) {
        this.settings = settings;
        this.console = console;
    }

    Path serverProperties() {
        return settings.kafkaDir().resolve("server.properties");
    }

    /** Writes server.properties (every start: ports may have changed) and formats the storage if new. */
    public void prepare() {
        Path dir = settings.kafkaDir();
        try {
            Files.createDirectories(dir.resolve("data"));
            Files.writeString(serverProperties(), ServerProperties.render(ServerProperties.of(
                    settings.port(Component.KAFKA), settings.controllerPort(), dir.resolve("data").toString())),
                    StandardCharsets.UTF_8);
            JavaArgFile.writeClasspath(argFile(), System.getProperty("java.class.path"));
            if (!Files.exists(dir.resolve("data/meta.properties"))) {
                format(clusterId(dir.resolve("cluster.id")));
            }
        } catch (IOException e) {
            throw new CliFailure("cannot prepare the Kafka directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private Path argFile() {
        return settings.kafkaDir().resolve("java.args");
    }

    private static String clusterId(Path file) throws IOException {
        if (!Files.exists(file) || Files.readString(file).isBlank()) {
            // 16 random bytes, URL-safe base64: what kafka-storage random-uuid prints
            Files.writeString(file, Uuid.randomUuid() + "\n", StandardCharsets.UTF_8);
        }
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }

    private void format(String clusterId) throws IOException {
        console.say("formatting the Kafka storage (cluster id " + clusterId + ")...");
        List<String> cmd = java();
        cmd.addAll(List.of("kafka.tools.StorageTool", "format", "-t", clusterId, "-c", serverProperties().toString(),
                "--ignore-formatted"));
        Process p = ProcessLauncher.start(new LaunchSpec("kafka storage format", cmd, Map.of(),
                settings.logFile(Component.KAFKA), null, false));
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CliFailure("formatting the Kafka storage did not finish within 120 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new CliFailure("interrupted while formatting the Kafka storage");
        }
        if (p.exitValue() != 0) {
            throw new CliFailure("formatting the Kafka storage failed (exit " + p.exitValue() + "); "
                    + settings.logFile(Component.KAFKA) + " ends with:\n" + indent(LogTail.of(settings.logFile(Component.KAFKA), 30)));
        }
    }

    /** Starts the broker detached; answers its process once started (not yet ready). */
    public Process launch(RunningComponents running) {
        List<String> cmd = java();
        cmd.addAll(1, running.markers(Component.KAFKA).jvmArgs());
        cmd.addAll(List.of("kafka.Kafka", serverProperties().toString()));
        console.say("starting Kafka on 127.0.0.1:" + settings.port(Component.KAFKA) + "...");
        try {
            Process p = ProcessLauncher.start(new LaunchSpec("kafka", cmd, Map.of(), settings.logFile(Component.KAFKA),
                    null, true));
            running.writePid(Component.KAFKA, p.pid());
            return p;
        } catch (IOException e) {
            throw new CliFailure("could not start Kafka: " + e.getMessage(), e);
        }
    }

    /** Waits until the broker's port accepts connections; fails with the log's tail if it exits or times out. */
    public void awaitReady(ProcessHandle broker) {
        long deadline = System.nanoTime() + settings.kafkaTimeout().toNanos();
        int port = settings.port(Component.KAFKA);
        while (!Readiness.portOpen("127.0.0.1", port)) {
            if (!broker.isAlive()) {
                throw new CliFailure("Kafka exited during start-up; " + settings.logFile(Component.KAFKA)
                        + " ends with:\n" + indent(LogTail.of(settings.logFile(Component.KAFKA), 40)));
            }
            if (System.nanoTime() > deadline) {
                throw new CliFailure("Kafka did not open port " + port + " within " + settings.kafkaTimeout().toSeconds()
                        + "s; " + settings.logFile(Component.KAFKA) + " ends with:\n"
                        + indent(LogTail.of(settings.logFile(Component.KAFKA), 40)));
            }
            Sleep.millis(250);
        }
        console.say("Kafka is up (pid " + broker.pid() + ")");
    }

    // java <kafka opts> [markers go here] -Dlog4j2.configurationFile=... @java.args
    private List<String> java() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessLauncher.javaExecutable());
        cmd.addAll(settings.kafkaJavaOpts());
        cmd.add("-Dlog4j2.configurationFile=" + LOG4J_CONFIG);
        cmd.add("@" + argFile());
        return cmd;
    }

    static String indent(String text) {
        return text.lines().map(l -> "  | " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }
}
