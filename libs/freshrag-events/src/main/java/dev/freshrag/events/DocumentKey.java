package dev.freshrag.events;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The Kafka record key of a document, {@code tenant/docId} in UTF-8. A tenant never holds {@code /},
 * so the first slash separates the two even when the docId holds slashes itself.
 */
public record DocumentKey(String tenant, String docId) {

    @Override
    public String toString() {
        return tenant + "/" + docId;
    }

    public byte[] toBytes() {
        return toString().getBytes(StandardCharsets.UTF_8);
    }

    public static Optional<DocumentKey> parse(String key) {
        if (key == null) {
            return Optional.empty();
        }
        int slash = key.indexOf('/');
        if (slash <= 0 || slash == key.length() - 1) {
            return Optional.empty();
        }
        return Optional.of(new DocumentKey(key.substring(0, slash), key.substring(slash + 1)));
    }

    public static Optional<DocumentKey> parse(byte[] key) {
        return key == null ? Optional.empty() : parse(new String(key, StandardCharsets.UTF_8));
    }
}
