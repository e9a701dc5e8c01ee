package dev.freshrag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshrag.security.ApiKey;
import dev.freshrag.security.KeysFile;
import dev.freshrag.security.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysAddTest {

    @TempDir
    Path home;

    @Test
    void theKeyIsAloneOnTheLastLineAndOnlyItsHashIsStored() throws Exception {
        CapturedConsole c = new CapturedConsole();
        assertEquals(0, c.run(Map.of("FRESHRAG_HOME", home.toString()), home, "keys", "add", "globex", "writer"));
        List<String> lines = c.outLines();
        assertEquals(3, lines.size(), c.out());
        assertEquals("Created a writer key for tenant globex; its SHA-256 is in " + home.resolve("keys") + ".", lines.get(0));
        String key = lines.get(2);
        assertTrue(key.matches("frk_[A-Za-z0-9_-]{43}"), key);
        String file = Files.readString(home.resolve("keys"));
        assertTrue(file.matches(KeysFile.sha256(key) + " globex writer \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\n"), file);
        // the services' reader accepts what the CLI wrote
        ApiKey read = KeysFile.read(home.resolve("keys")).get(KeysFile.sha256(key));
        assertEquals(Role.WRITER, read.role());
        assertEquals("globex", read.tenant());
    }

    @Test
    void aSecondKeyIsAppendedAndTheKeysFileVariableIsHonoured() throws Exception {
        Path keys = home.resolve("elsewhere/keys");
        Map<String, String> env = Map.of("FRESHRAG_HOME", home.toString(), "FRESHRAG_SECURITY_KEYS_FILE", keys.toString());
        CapturedConsole first = new CapturedConsole();
        CapturedConsole second = new CapturedConsole();
        assertEquals(0, first.run(env, home, "keys", "add", "acme", "reader"));
        assertEquals(0, second.run(env, home, "keys", "add", "acme", "admin"));
        assertEquals(2, KeysFile.read(keys).size());
        assertTrue(Files.notExists(home.resolve("keys")));
    }

    @Test
    void theFirstUpMakesAWriterAndAnAdminKeyOnceOnly() throws Exception {
        Settings settings = Settings.from(Map.of("FRESHRAG_HOME", home.toString(), "FRESHRAG_TENANT", "initech"),
                TestStacks.root(), home);
        ApiKeys.FirstKeys keys = ApiKeys.ensure(settings).orElseThrow();
        Map<String, ApiKey> stored = KeysFile.read(settings.keysFile());
        assertEquals(Role.WRITER, stored.get(KeysFile.sha256(keys.writer())).role());
        assertEquals(Role.ADMIN, stored.get(KeysFile.sha256(keys.admin())).role());
        assertEquals("initech", stored.get(KeysFile.sha256(keys.admin())).tenant());
        assertTrue(ApiKeys.ensure(settings).isEmpty(), "the second up makes none");
        assertEquals(2, KeysFile.read(settings.keysFile()).size());
    }
}
