package dev.freshrag.events;

/**
 * Size limits for documents, shared by the HTTP gateway and the ingest topology so that a request
 * the gateway accepts is never dead-lettered later.
 *
 * @param maxContentBytes        UTF-8 bytes of {@code content} (default 5 MiB)
 * @param maxTitleChars          characters of {@code title}
 * @param maxMetadataEntries     entries in {@code metadata}
 * @param maxMetadataKeyChars    characters of one metadata key
 * @param maxMetadataValueChars  characters of one metadata value
 */
public record Limits(
        int maxContentBytes,
        int maxTitleChars,
        int maxMetadataEntries,
        int maxMetadataKeyChars,
        int maxMetadataValueChars) {

    public static final int MAX_DOC_ID_CHARS = 512;
    public static final String TENANT_PATTERN = "[a-z0-9][a-z0-9_-]{0,62}";

    public static final Limits DEFAULTS = new Limits(5 * 1024 * 1024, 1024, 64, 128, 2048);
}
