package dev.freshrag.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where and how benchmarks run. The HTTP benchmarks use a stack of their own: FRESHRAG_HOME
 * {@code <bench home>/stack}, query/ingest/embed on base+0/+1/+2, search's own query-service on +3,
 * Kafka on +12/+13.
 */
public record BenchSettings(Path benchHome, int portBase, List<String> javaOpts, Path sharedDir, boolean keepStack) {

    static final String DEFAULT_JAVA_OPTS = "-Xmx2g -XX:+UseParallelGC";

    public static BenchSettings from(Settings settings, Path cwd) {
        Map<String, String> env = settings.env();
        String home = env.getOrDefault("FRESHRAG_BENCH_HOME", "");
        String base = env.getOrDefault("FRESHRAG_BENCH_PORT_BASE", "");
        int portBase;
        try {
            portBase = base.isBlank() ? 18080 : Integer.parseInt(base.strip());
        } catch (NumberFormatException e) {
            throw new CliFailure("FRESHRAG_BENCH_PORT_BASE must be an integer, got '" + base + "'");
        }
        if (portBase < 1 || portBase > 65535 - 13) {
            throw new CliFailure("FRESHRAG_BENCH_PORT_BASE must leave room for 14 ports below 65536, got " + portBase);
        }
        String shared = env.getOrDefault("FRESHRAG_SHARED_DIR", "");
        return new BenchSettings(
                home.isBlank() ? settings.home().resolve("bench") : cwd.resolve(home.strip()).toAbsolutePath().normalize(),
                portBase,
                Settings.words(env.getOrDefault("FRESHRAG_BENCH_JAVA_OPTS", DEFAULT_JAVA_OPTS)),
                (shared.isBlank() ? settings.root().resolve("../shared") : cwd.resolve(shared.strip())).toAbsolutePath().normalize(),
                "1".equals(env.get("FRESHRAG_BENCH_KEEP_STACK")));
    }

    public Path stackHome() {
        return benchHome.resolve("stack");
    }

    /** The variables that make a {@link Settings} (and a {@code ./freshrag} child) address the bench stack. */
    public Map<String, String> stackEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("FRESHRAG_HOME", stackHome().toString());
        env.put("FRESHRAG_QUERY_PORT", Integer.toString(portBase));
        env.put("FRESHRAG_INGEST_PORT", Integer.toString(portBase + 1));
        env.put("FRESHRAG_EMBED_PORT", Integer.toString(portBase + 2));
        env.put("FRESHRAG_QUERY_MANAGEMENT_PORT", Integer.toString(portBase + 6));
        env.put("FRESHRAG_INGEST_MANAGEMENT_PORT", Integer.toString(portBase + 7));
        env.put("FRESHRAG_EMBED_MANAGEMENT_PORT", Integer.toString(portBase + 8));
        env.put("FRESHRAG_KAFKA_PORT", Integer.toString(portBase + 12));
        env.put("FRESHRAG_KAFKA_CONTROLLER_PORT", Integer.toString(portBase + 13));
        env.put("FRESHRAG_SECURITY_KEYS_FILE", null);
        return env;
    }

    /** The stack's URLs as the HTTP benchmarks take them. */
    public List<String> stackArgs() {
        return List.of("--ingest", "http://127.0.0.1:" + (portBase + 1), "--query", "http://127.0.0.1:" + portBase,
                "--embed-management", "http://127.0.0.1:" + (portBase + 8), "--kafka", "127.0.0.1:" + (portBase + 12),
                "--embed", "http://127.0.0.1:" + (portBase + 2));
    }

    /** The PEP change stream every benchmark reads. */
    public Path requirePepStream() {
        Path events = sharedDir.resolve("data/pep-changes/events.jsonl.gz");
        if (!Files.isRegularFile(events)) {
            throw new CliFailure("the PEP change stream is not at " + events + " (set FRESHRAG_SHARED_DIR)");
        }
        return sharedDir;
    }
}
