package dev.freshrag.cli;

import dev.freshrag.security.KeysFile;
import dev.freshrag.security.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
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

    /** {@code keys add --operator}: a key bound to no tenant, good only for the operator endpoints. */
    public static List<String> addOperator(Settings settings) {
        String key = append(settings, KeysFile.NO_TENANT, Role.OPERATOR);
        return List.of(
                "Created an operator key (no tenant; only /v1/operator/...); its SHA-256 is in " + settings.keysFile() + ".",
                "It is shown only now. Use it as FRESHRAG_KEY for './freshrag dlq' against a remote deployment:",
                key);
    }

    /**
     * The local stack's operator key, for the CLI's own operator commands: made once (on the first {@code up}, or
     * the first {@code up} after an upgrade) and kept in {@link Settings#operatorKeyFile()}, readable by its owner
     * only, because unlike the keys file it holds the key itself. Answers whether a key was made.
     */
    public static boolean ensureOperatorKey(Settings settings) {
        Path file = settings.operatorKeyFile();
        if (Files.exists(file)) {
            return false;
        }
        String key = append(settings, KeysFile.NO_TENANT, Role.OPERATOR);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            if (tmp.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, key + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            throw new CliFailure("cannot write " + file + ": " + e.getMessage(), e);
        }
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
