package dev.freshrag.cli;

import dev.freshrag.security.KeysFile;
import dev.freshrag.security.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/** API keys through the services' own keys file code ({@link KeysFile}): only hashes are stored. */
public final class ApiKeys {

    /** Keys made by the first {@code up}, shown once. */
    public record FirstKeys(String tenant, String writer, String admin) {
    }

    private ApiKeys() {
    }

    /** {@code keys add}: the lines to print; the key is alone on the last one (scripts take that line). */
    public static List<String> add(Settings settings, String tenant, Role role) {
        String key = append(settings, tenant, role);
        return List.of(
                "Created a " + role.label() + " key for tenant " + tenant + "; its SHA-256 is in " + settings.keysFile() + ".",
                "It is shown only now. Send it as 'Authorization: Bearer <key>':",
                key);
    }

    /** On the first {@code up} (no keys file yet, or an empty one): a writer and an admin key. */
    public static java.util.Optional<FirstKeys> ensure(Settings settings) {
        try {
            if (Files.exists(settings.keysFile()) && Files.size(settings.keysFile()) > 0) {
                return java.util.Optional.empty();
            }
        } catch (IOException e) {
            throw new CliFailure("cannot read " + settings.keysFile() + ": " + e.getMessage(), e);
        }
        String writer = append(settings, settings.tenant(), Role.WRITER);
        String admin = append(settings, settings.tenant(), Role.ADMIN);
        return java.util.Optional.of(new FirstKeys(settings.tenant(), writer, admin));
    }

    private static String append(Settings settings, String tenant, Role role) {
        try {
            return KeysFile.append(settings.keysFile(), tenant, role);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        } catch (IOException e) {
            throw new CliFailure("cannot write the keys file " + settings.keysFile() + ": " + e.getMessage(), e);
        }
    }
}
