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

    /**
     * Most chunks one version of a document may have. Each chunk is an operation in the document's one
     * {@code kb.chunk-ops} record and an entry in its stored state, and an embedding to compute: 20,000 holds a
     * 5 MiB document of ordinary prose (about 4,000-9,000 chunks) with room to spare, and rejects the degenerate
     * ones (5 MiB of one-word headings would be 1.3 million chunks).
     */
    public static final int MAX_CHUNKS_PER_DOCUMENT = 20_000;

    /**
     * Largest serialized value FreshRAG writes to {@code kb.doc-changes} (the gateway) or {@code kb.chunk-ops} (the
     * topology). {@link Topics#MAX_MESSAGE_BYTES} less 512 KiB, which leaves room for the key, the headers and the
     * batch overhead that the producer counts too: a record over the producer's limit is not a rejected event but
     * a {@code RecordTooLargeException} that stops the stream thread.
     */
    public static final int MAX_RECORD_BYTES = Topics.MAX_MESSAGE_BYTES - 512 * 1024;

    public static final Limits DEFAULTS = new Limits(5 * 1024 * 1024, 1024, 64, 128, 2048);
}
