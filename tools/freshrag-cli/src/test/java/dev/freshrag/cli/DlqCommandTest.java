package dev.freshrag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshrag.security.ApiKey;
import dev.freshrag.security.KeysFile;
import dev.freshrag.security.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dlq list|replay} and {@code keys add --operator}, against {@link OperatorServerDouble}. */
class DlqCommandTest {

    private static final String LETTERS = """
            [{"partition":0,"offset":12,"reason":"$: not valid JSON","field":"$","stage":"ingest","sourceTopic":"kb.doc-changes",
              "sourcePartition":2,"sourceOffset":40,"timestamp":"2026-11-30T08:00:00Z","tenant":"acme","key":"acme/a.md"},
             {"partition":1,"offset":3,"reason":null,"field":null,"stage":"embed","sourceTopic":"kb.chunk-ops",
              "sourcePartition":0,"sourceOffset":7,"timestamp":null,"tenant":null,"key":"odd"}]""";

    @TempDir
    Path home;

    @Test
    void listSendsTheFiltersWithTheKeyAndPrintsATable() throws Exception {
        try (OperatorServerDouble server = new OperatorServerDouble(200, "application/json", LETTERS)) {
            CapturedConsole c = new CapturedConsole();
            int rc = c.run(CapturedConsole.env("FRESHRAG_HOME", home.toString(), "FRESHRAG_KEY", "frk_op"), home,
                    "dlq", "list", "--url", server.url(), "--tenant", "acme", "--reason", "not valid", "--partition", "0",
                    "--from", "10", "--to", "20", "--limit", "5");
            assertEquals(0, rc, c.err());
            OperatorServerDouble.Request r = server.requests.get(0);
            assertEquals("GET", r.method());
            assertEquals("/v1/operator/dlq?reason=not+valid&tenant=acme&partition=0&from=10&to=20&limit=5", r.pathAndQuery());
            assertEquals("Bearer frk_op", r.authorization());
            List<String> lines = c.outLines();
            assertEquals(4, lines.size(), c.out());
            assertTrue(lines.get(0).matches("PARTITION +OFFSET +STAGE +TENANT +SOURCE +FIELD +REASON +KEY"), lines.get(0));
            assertTrue(lines.get(1).matches("0 +12 +ingest +acme +kb\\.doc-changes-2@40 +\\$ +\\$: not valid JSON +acme/a\\.md"), lines.get(1));
            assertTrue(lines.get(2).matches("1 +3 +embed +- +kb\\.chunk-ops-0@7 +- +- +odd"), lines.get(2));
            // columns line up: every row's STAGE starts where the header's does
            int stage = lines.get(0).indexOf("STAGE");
            assertEquals("ingest", lines.get(1).substring(stage, stage + 6));
            assertEquals("2 dead letters.", lines.get(3));
        }
    }

    @Test
    void replayPostsAndPrintsTheCountUsingTheLocalOperatorKeyAndFreshragUrl() throws Exception {
        Files.writeString(home.resolve("operator-key"), "frk_local\n");
        try (OperatorServerDouble server = new OperatorServerDouble(200, "application/json", "{\"replayed\":3}")) {
            CapturedConsole c = new CapturedConsole();
            int rc = c.run(CapturedConsole.env("FRESHRAG_HOME", home.toString(), "FRESHRAG_URL", server.url() + "/"), home,
                    "dlq", "replay", "--tenant", "acme");
            assertEquals(0, rc, c.err());
            assertEquals(new OperatorServerDouble.Request("POST", "/v1/operator/dlq/replay?tenant=acme", "Bearer frk_local"),
                    server.requests.get(0));
            assertEquals(List.of("Replayed 3 dead letters."), c.outLines());
        }
    }

    @Test
    void anHttpErrorExitsNonZeroWithTheProblemsDetail() throws Exception {
        String problem = "{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,\"detail\":\"this needs a key with role operator\"}";
        try (OperatorServerDouble server = new OperatorServerDouble(403, "application/problem+json", problem)) {
            CapturedConsole c = new CapturedConsole();
            int rc = c.run(CapturedConsole.env("FRESHRAG_HOME", home.toString(), "FRESHRAG_KEY", "frk_tenant"), home,
                    "dlq", "list", "--url", server.url());
            assertEquals(1, rc);
            assertTrue(c.err().contains("HTTP 403: this needs a key with role operator"), c.err());
            assertEquals("", c.out());
        }
    }

    @Test
    void withoutAnyKeyTheCommandSaysHowToGetOne() {
        CapturedConsole c = new CapturedConsole();
        assertEquals(1, c.run(CapturedConsole.env("FRESHRAG_HOME", home.toString()), home, "dlq", "list", "--url", "http://127.0.0.1:9"));
        assertTrue(c.err().contains("FRESHRAG_KEY"), c.err());
    }

    @Test
    void badArgumentsAreUsageErrors() {
        CapturedConsole c = new CapturedConsole();
        assertEquals(2, c.run(Map.of("FRESHRAG_HOME", home.toString()), home, "dlq", "list", "--limit", "many"));
        CapturedConsole d = new CapturedConsole();
        assertEquals(2, d.run(Map.of("FRESHRAG_HOME", home.toString()), home, "dlq"));
    }

    @Test
    void keysAddOperatorMakesAKeyBoundToNoTenant() throws Exception {
        CapturedConsole c = new CapturedConsole();
        assertEquals(0, c.run(Map.of("FRESHRAG_HOME", home.toString()), home, "keys", "add", "--operator"), c.err());
        List<String> lines = c.outLines();
        String key = lines.get(lines.size() - 1);
        assertTrue(key.matches("frk_[A-Za-z0-9_-]{43}"), key);
        ApiKey read = KeysFile.read(home.resolve("keys")).get(KeysFile.sha256(key));
        assertEquals(Role.OPERATOR, read.role());
        assertEquals(KeysFile.NO_TENANT, read.tenant());

        CapturedConsole both = new CapturedConsole();
        assertEquals(2, both.run(Map.of("FRESHRAG_HOME", home.toString()), home, "keys", "add", "acme", "--operator"));
        CapturedConsole asRole = new CapturedConsole();
        assertEquals(2, asRole.run(Map.of("FRESHRAG_HOME", home.toString()), home, "keys", "add", "acme", "operator"));
    }

    @Test
    void theLocalOperatorKeyIsMadeOnceAndReadableByItsOwnerOnly() throws Exception {
        Settings settings = Settings.from(Map.of("FRESHRAG_HOME", home.toString()), home, home);
        assertTrue(ApiKeys.ensureOperatorKey(settings));
        String key = Files.readString(settings.operatorKeyFile()).strip();
        assertEquals(Role.OPERATOR, KeysFile.read(settings.keysFile()).get(KeysFile.sha256(key)).role());
        if (home.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(settings.operatorKeyFile())));
        }
        assertEquals(false, ApiKeys.ensureOperatorKey(settings));
        assertEquals(key, Files.readString(settings.operatorKeyFile()).strip());
    }
}
