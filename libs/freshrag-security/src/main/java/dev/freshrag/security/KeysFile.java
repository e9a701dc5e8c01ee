package dev.freshrag.security;

import dev.freshrag.events.Limits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The keys file: one key per line, {@code <sha256-hex> <tenant> <role> <created>} separated by single
 * spaces; {@code #} starts a comment. Only hashes are stored, so the file can be read by operators and
 * backed up without exposing a key. {@code ./freshrag keys add} writes the same format.
 * An operator key is bound to no tenant: its tenant column is {@link #NO_TENANT} ({@code -}), which no tenant
 * id can be (ids start with a letter or digit), so the four columns and every older line stay as they were.
 */
public final class KeysFile {

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern TENANT = Pattern.compile(Limits.TENANT_PATTERN);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The tenant column of an operator key. */
    public static final String NO_TENANT = "-";

    private KeysFile() {
    }

    /** Parses the file; a malformed line fails the whole file so that a typo never silently drops a key. */
    public static Map<String, ApiKey> read(Path file) throws IOException {
        Map<String, ApiKey> keys = new HashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length < 3 || !HEX64.matcher(f[0]).matches() || Role.parse(f[2]).isEmpty()
                    || !validTenantFor(f[1], Role.parse(f[2]).orElseThrow())) {
                throw new IOException(file + " line " + (i + 1) + ": expected '<sha256-hex> <tenant> <reader|writer|admin> [created]'"
                        + " or '<sha256-hex> - operator [created]'");
            }
            keys.put(f[0], new ApiKey(f[0], f[1], Role.parse(f[2]).orElseThrow(), f.length > 3 ? f[3] : ""));
        }
        return keys;
    }

    /** An operator key has the tenant {@code -}; every other key a real tenant id. */
    private static boolean validTenantFor(String tenant, Role role) {
        return role == Role.OPERATOR ? NO_TENANT.equals(tenant) : TENANT.matcher(tenant).matches();
    }

    public static String sha256(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new random key: 256 bits, URL-safe, prefixed so it is recognisable in a secret scanner. */
    public static String newKey() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "frk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * Makes a key, appends its line ({@code <sha256-hex> <tenant> <role> <created>}) and answers the key,
     * which is stored nowhere. Used by {@code ./freshrag keys add} and by tests. A new file (and its
     * directory) is created readable by its owner only: hashes are not secrets, but nobody else needs them.
     */
    public static synchronized String append(Path file, String tenant, Role role) throws IOException {
        if (!validTenantFor(tenant, role)) {
            throw new IllegalArgumentException(role == Role.OPERATOR ? "an operator key has the tenant " + NO_TENANT
                    : "tenant must match " + Limits.TENANT_PATTERN);
        }
        String key = newKey();
        String line = sha256(key) + " " + tenant + " " + role.label() + " "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + "\n";
        createOwnerOnly(file.toAbsolutePath());
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return key;
    }

    private static void createOwnerOnly(Path file) throws IOException {
        if (Files.exists(file)) {
            return;
        }
        Files.createDirectories(file.getParent());
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
        }
    }
}
