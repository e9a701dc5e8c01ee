package dev.freshrag.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything the environment can set, read once. Names and defaults are the ones the README documents.
 *
 * @param root         the repository (services' jars, ./mvnw)
 * @param home         FRESHRAG_HOME: Kafka log, index, Streams state, logs, pid files
 * @param partitions   FRESHRAG_KAFKA_PARTITIONS, empty: Topics.DEFAULT_PARTITIONS
 * @param env          the whole environment, passed on to the services
 */
public record Settings(Path root, Path home, Path keysFile, Map<Component, Integer> ports,
                       Map<Component, Integer> managementPorts, int controllerPort,
                       String httpHost, Duration startTimeout, Duration kafkaTimeout, Duration stopGrace,
                       List<String> javaOpts, List<String> kafkaJavaOpts, List<String> mavenArgs, String tenant,
                       OptionalInt partitions, Map<String, String> env) {

    static final String DEFAULT_KAFKA_JAVA_OPTS = "-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    public Settings {
        ports = Map.copyOf(ports);
        managementPorts = Map.copyOf(managementPorts);
        javaOpts = List.copyOf(javaOpts);
        kafkaJavaOpts = List.copyOf(kafkaJavaOpts);
        mavenArgs = List.copyOf(mavenArgs);
        env = Map.copyOf(env);
    }

    /** Reads the environment; relative paths are taken from {@code cwd}. Bad values are a {@link CliFailure}. */
    public static Settings from(Map<String, String> env, Path root, Path cwd) {
        Path home = path(env, "FRESHRAG_HOME", cwd).orElse(root.resolve(".freshrag"));
        Map<Component, Integer> ports = new EnumMap<>(Component.class);
        for (Component c : Component.values()) {
            ports.put(c, port(env, c.portVariable(), c.defaultPort()));
        }
        Map<Component, Integer> managementPorts = new EnumMap<>(Component.class);
        for (Component c : Component.SERVICES) {
            managementPorts.put(c, port(env, c.managementPortVariable(), c.defaultManagementPort()));
        }
        OptionalInt partitions = blank(env.get("FRESHRAG_KAFKA_PARTITIONS")) ? OptionalInt.empty()
                : OptionalInt.of(positive(env, "FRESHRAG_KAFKA_PARTITIONS", 1));
        String tenant = env.getOrDefault("FRESHRAG_TENANT", "");
        return new Settings(root.toAbsolutePath().normalize(), home.toAbsolutePath().normalize(),
                path(env, "FRESHRAG_SECURITY_KEYS_FILE", cwd).orElse(home.resolve("keys")).toAbsolutePath().normalize(),
                ports, managementPorts, port(env, "FRESHRAG_KAFKA_CONTROLLER_PORT", 9093),
                blank(env.get("FRESHRAG_HTTP_HOST")) ? "127.0.0.1" : env.get("FRESHRAG_HTTP_HOST").strip(),
                Duration.ofSeconds(positive(env, "FRESHRAG_START_TIMEOUT", 180)),
                Duration.ofSeconds(positive(env, "FRESHRAG_KAFKA_TIMEOUT", 60)),
                Duration.ofSeconds(positive(env, "FRESHRAG_STOP_GRACE", 20)),
                words(env.getOrDefault("FRESHRAG_JAVA_OPTS", "")),
                words(env.getOrDefault("FRESHRAG_KAFKA_JAVA_OPTS", DEFAULT_KAFKA_JAVA_OPTS)),
                words(env.getOrDefault("FRESHRAG_MAVEN_ARGS", "")),
                tenant.isBlank() ? "acme" : tenant.strip(), partitions, env);
    }

    public int port(Component c) {
        return ports.get(c);
    }

    /** A service's management port (health, metrics). */
    public int managementPort(Component service) {
        return managementPorts.get(service);
    }

    /** The local operator key itself (not a hash), made by the first {@code up}; read by {@code dlq} commands. */
    public Path operatorKeyFile() {
        return home.resolve("operator-key");
    }

    public Path logs() {
        return home.resolve("logs");
    }

    public Path logFile(Component c) {
        return logs().resolve(c.id() + ".log");
    }

    public Path runDir() {
        return home.resolve("run");
    }

    public Path pidFile(Component c) {
        return runDir().resolve(c.id() + ".pid");
    }

    public Path kafkaDir() {
        return home.resolve("kafka");
    }

    /** The packaged service, {@code <root>/<service>/target/quarkus-app/quarkus-run.jar}. */
    public Path jar(Component service) {
        return root.resolve(service.id()).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** This settings with some variables replaced (the benchmarks' own stack). */
    public Settings with(Map<String, String> overrides) {
        Map<String, String> changed = new java.util.HashMap<>(env);
        overrides.forEach((k, v) -> {
            if (v == null) {
                changed.remove(k);
            } else {
                changed.put(k, v);
            }
        });
        return from(changed, root, root);
    }

    /** Splits on whitespace, as the shell did with an unquoted variable. */
    static List<String> words(String s) {
        return s.isBlank() ? List.of() : Arrays.asList(s.strip().split("\\s+"));
    }

    private static Optional<Path> path(Map<String, String> env, String name, Path cwd) {
        String v = env.get(name);
        return blank(v) ? Optional.empty() : Optional.of(cwd.resolve(v.strip()));
    }

    private static int port(Map<String, String> env, String name, int defaultValue) {
        int p = integer(env, name, defaultValue);
        if (p < 1 || p > 65535) {
            throw new CliFailure(name + " must be a port number (1-65535), got '" + env.get(name) + "'");
        }
        return p;
    }

    private static int positive(Map<String, String> env, String name, int defaultValue) {
        int v = integer(env, name, defaultValue);
        if (v < 1) {
            throw new CliFailure(name + " must be a positive integer, got '" + env.get(name) + "'");
        }
        return v;
    }

    private static int integer(Map<String, String> env, String name, int defaultValue) {
        String v = env.get(name);
        if (blank(v)) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new CliFailure(name + " must be an integer, got '" + v + "'");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
