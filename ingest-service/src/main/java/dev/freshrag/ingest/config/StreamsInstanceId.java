package dev.freshrag.ingest.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The static member id of this process in the Kafka Streams group: the configured one, or one derived from the
 * host name and the state directory. The derivation needs both: one host can run several stacks (tests, a second
 * FRESHRAG_HOME), each with its own state directory, and two members with one id would fence each other.
 */
public final class StreamsInstanceId {

    /** What Kafka accepts in a group.instance.id, minus the room Streams needs for its "-<thread>" suffix. */
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,240}");
    private static final int MAX_HOST_CHARS = 63;

    private StreamsInstanceId() {
    }

    /** The id to use: {@code configured} when present (checked), else {@code <host>-<8 hex of sha256(stateDir)>}. */
    public static String resolve(Optional<String> configured, String host, String stateDir) {
        if (configured.isPresent() && !configured.get().isBlank()) {
            String id = configured.get().trim();
            if (!LEGAL.matcher(id).matches()) {
                throw new IllegalArgumentException("freshrag.streams.instance-id: '" + id
                        + "' is not a valid group.instance.id (1-240 of letters, digits, '.', '_', '-')");
            }
            return id;
        }
        return derive(host, stateDir);
    }

    static String derive(String host, String stateDir) {
        String h = host == null ? "" : host.replaceAll("[^a-zA-Z0-9._-]", "-");
        if (h.isEmpty()) {
            h = "host";
        }
        if (h.length() > MAX_HOST_CHARS) {
            h = h.substring(0, MAX_HOST_CHARS);
        }
        return h + "-" + sha256Hex(stateDir == null ? "" : stateDir).substring(0, 8);
    }

    /** This machine's host name (the pod name in Kubernetes), or "localhost" when it cannot be found. */
    public static String localHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
