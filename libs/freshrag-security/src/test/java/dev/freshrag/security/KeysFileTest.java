package dev.freshrag.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysFileTest {

    @Test
    void storesOnlyTheHashAndReadsItBack(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("keys");
        String key = KeysFile.append(file, "acme", Role.WRITER);
        assertThat(key).startsWith("frk_").hasSizeGreaterThan(40);
        String content = Files.readString(file);
        assertThat(content).doesNotContain(key).contains(KeysFile.sha256(key)).contains(" acme writer ");
        Map<String, ApiKey> keys = KeysFile.read(file);
        assertThat(keys.get(KeysFile.sha256(key))).extracting(ApiKey::tenant, ApiKey::role).containsExactly("acme", Role.WRITER);
        assertThat(KeysFile.newKey()).isNotEqualTo(KeysFile.newKey());
    }

    @Test
    void aNewFileAndItsDirectoryAreCreatedForTheOwnerOnly(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("data/keys");
        String key = KeysFile.append(file, "acme", Role.ADMIN);
        assertThat(Files.readString(file)).matches(KeysFile.sha256(key) + " acme admin \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\n");
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        assertThatThrownBy(() -> KeysFile.append(file, "Not A Tenant", Role.READER)).hasMessageContaining("tenant must match");
    }

    @Test
    void sha256MatchesTheShellTool() {
        // printf %s 'frk_test' | sha256sum: what ./freshrag keys add computes
        assertThat(KeysFile.sha256("frk_test")).isEqualTo("5da44581fe26072d2500538280c98284ae89168e972056f2f3f0d5ba16e3b015");
    }

    @Test
    void aMalformedLineFailsTheWholeFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("keys");
        Files.writeString(file, "# comment\n" + "a".repeat(64) + " acme reader 2026\n" + "b".repeat(64) + " acme superuser\n");
        assertThatThrownBy(() -> KeysFile.read(file)).hasMessageContaining("line 3");
        Files.writeString(file, "# comment\n\n" + "a".repeat(64) + " acme reader\n");
        assertThat(KeysFile.read(file)).hasSize(1);
    }

    @Test
    void rolesIncludeTheLesserOnes() {
        assertThat(Role.ADMIN.allows(Role.WRITER)).isTrue();
        assertThat(Role.WRITER.allows(Role.READER)).isTrue();
        assertThat(Role.READER.allows(Role.WRITER)).isFalse();
        assertThat(Role.WRITER.allows(Role.ADMIN)).isFalse();
        assertThat(ApiKeyFilter.required("/v1/admin/tenants/acme", "GET")).isEqualTo(Role.ADMIN);
        assertThat(ApiKeyFilter.required("/v1/tenants/acme/documents/x", "PUT")).isEqualTo(Role.WRITER);
        assertThat(ApiKeyFilter.required("/v1/tenants/acme/documents/x", "DELETE")).isEqualTo(Role.WRITER);
        assertThat(ApiKeyFilter.required("/v1/tenants/acme/documents:bulk", "POST")).isEqualTo(Role.WRITER);
        assertThat(ApiKeyFilter.required("/v1/tenants/acme/search", "POST")).isEqualTo(Role.READER);
        assertThat(ApiKeyFilter.required("/v1/tenants/acme/documents/x", "GET")).isEqualTo(Role.READER);
    }
}
