package dev.freshrag.cli;

import dev.freshrag.launcher.FreePorts;
import dev.freshrag.launcher.RepoRoot;
import java.nio.file.Path;
import java.util.Map;

/** Environments for a stack on free ports in a temporary FRESHRAG_HOME. */
final class TestStacks {

    private TestStacks() {
    }

    static Path root() {
        return RepoRoot.find();
    }

    static Map<String, String> environment(Path home) {
        return CapturedConsole.env(
                "FRESHRAG_HOME", home.toString(),
                "FRESHRAG_KAFKA_PORT", Integer.toString(FreePorts.next()),
                "FRESHRAG_KAFKA_CONTROLLER_PORT", Integer.toString(FreePorts.next()),
                "FRESHRAG_QUERY_PORT", Integer.toString(FreePorts.next()),
                "FRESHRAG_INGEST_PORT", Integer.toString(FreePorts.next()),
                "FRESHRAG_EMBED_PORT", Integer.toString(FreePorts.next()),
                "FRESHRAG_KAFKA_PARTITIONS", "2",
                "FRESHRAG_STOP_GRACE", "20");
    }

    static Settings settings(Path home) {
        return Settings.from(environment(home), root(), home);
    }
}
