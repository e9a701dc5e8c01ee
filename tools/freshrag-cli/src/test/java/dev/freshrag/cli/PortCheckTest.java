package dev.freshrag.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PortCheckTest {

    @TempDir
    Path home;

    @Test
    void upRefusesAPortHeldByAnotherProgramAndNamesItsVariable() throws Exception {
        Settings settings = TestStacks.settings(home);
        StackUp up = new StackUp(settings, new CapturedConsole().console);
        try (ServerSocket squatter = new ServerSocket(settings.port(Component.INGEST), 1, InetAddress.getLoopbackAddress())) {
            CliFailure e = assertThrows(CliFailure.class, () -> up.checkPorts(StackUp.components(false)));
            assertTrue(e.getMessage().contains("port " + settings.port(Component.INGEST) + " (FRESHRAG_INGEST_PORT, for ingest-service)"
                    + " is already in use by another program"), e.getMessage());
            // --kafka-only does not need the service ports
            up.checkPorts(StackUp.components(true));
        }
    }

    @Test
    void upRefusesAHeldControllerPort() throws Exception {
        Settings settings = TestStacks.settings(home);
        try (ServerSocket squatter = new ServerSocket(settings.controllerPort(), 1, InetAddress.getLoopbackAddress())) {
            CliFailure e = assertThrows(CliFailure.class,
                    () -> new StackUp(settings, new CapturedConsole().console).checkPorts(List.of(Component.KAFKA)));
            assertTrue(e.getMessage().contains("FRESHRAG_KAFKA_CONTROLLER_PORT"), e.getMessage());
        }
    }

    @Test
    void twoComponentsOnOnePortAreRefused() {
        Map<String, String> env = new HashMap<>(TestStacks.environment(home));
        env.put("FRESHRAG_EMBED_PORT", env.get("FRESHRAG_QUERY_PORT"));
        Settings settings = Settings.from(env, TestStacks.root(), home);
        CliFailure e = assertThrows(CliFailure.class,
                () -> new StackUp(settings, new CapturedConsole().console).checkPorts(StackUp.components(false)));
        assertTrue(e.getMessage().contains("two components would share a port"), e.getMessage());
    }
}
