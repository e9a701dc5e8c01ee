package dev.freshrag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {

    @TempDir
    Path home;

    private final CapturedConsole c = new CapturedConsole();

    private int run(String... args) {
        return c.run(Map.of("FRESHRAG_HOME", home.toString()), home, args);
    }

    @Test
    void helpPrintsTheUsageAndSucceeds() {
        assertEquals(0, run("help"));
        assertTrue(c.out().startsWith("Usage: ./freshrag <command>"), c.out());
        assertTrue(c.out().contains("keys add <tenant> <role>"));
        assertTrue(c.out().contains("FRESHRAG_SECURITY_KEYS_FILE"));
        CapturedConsole again = new CapturedConsole();
        assertEquals(0, again.run(Map.of(), home, "--help"));
        assertEquals(c.out(), again.out());
    }

    @Test
    void noCommandIsAUsageError() {
        assertEquals(2, run());
        assertTrue(c.err().contains("Usage: ./freshrag"), c.err());
        assertEquals("", c.out());
    }

    @Test
    void anUnknownCommandIsAUsageErrorThatNamesIt() {
        assertEquals(2, run("upp"));
        assertTrue(c.err().contains("unknown command: upp"), c.err());
    }

    @Test
    void anUnknownOptionOfUpIsAUsageError() {
        assertEquals(2, run("up", "--detached"));
        assertTrue(c.err().contains("--detached"), c.err());
    }

    @Test
    void downAndStatusTakeNoArguments() {
        assertEquals(2, run("down", "now"));
        assertEquals(2, new CapturedConsole().run(Map.of("FRESHRAG_HOME", home.toString()), home, "status", "-v"));
    }

    @Test
    void keysAddRefusesAnUnknownRoleWithoutWritingTheFile() {
        assertEquals(2, run("keys", "add", "acme", "superuser"));
        assertTrue(c.err().contains("role must be reader, writer or admin"), c.err());
        assertFalse(Files.exists(home.resolve("keys")));
    }

    @Test
    void keysAddRefusesABadTenantWithExitOne() {
        assertEquals(1, run("keys", "add", "Not_A_Tenant", "writer"));
        assertTrue(c.err().contains("freshrag: tenant must match"), c.err());
        assertFalse(Files.exists(home.resolve("keys")));
    }

    @Test
    void keysWithoutAddIsAUsageError() {
        assertEquals(2, run("keys"));
        assertTrue(c.err().contains("keys add <tenant> <reader|writer|admin>"), c.err());
    }

    @Test
    void benchNamesItsBenchmarksAndRefusesOthers() {
        assertEquals(0, run("bench", "help"));
        assertTrue(c.out().contains("incremental"), c.out());
        CapturedConsole unknown = new CapturedConsole();
        assertEquals(1, unknown.run(Map.of("FRESHRAG_HOME", home.toString()), home, "bench", "speed"));
        assertTrue(unknown.err().contains("unknown benchmark: speed"), unknown.err());
        CapturedConsole none = new CapturedConsole();
        assertEquals(2, none.run(Map.of("FRESHRAG_HOME", home.toString()), home, "bench"));
    }

    @Test
    void aBadVariableFailsTheCommandWithItsName() {
        CapturedConsole bad = new CapturedConsole();
        assertEquals(1, bad.run(Map.of("FRESHRAG_HOME", home.toString(), "FRESHRAG_QUERY_PORT", "80a"), home, "status"));
        assertTrue(bad.err().contains("FRESHRAG_QUERY_PORT must be an integer, got '80a'"), bad.err());
    }
}
