package dev.freshrag.events;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which index generation a record is meant for. A reindex re-drives the newest change of every document into the
 * generation it builds with the Kafka header {@value #NAME}{@code : g<N>} on kb.doc-changes; the ingest-service copies
 * it onto the chunk operations, and the embed-service applies such a record to that generation only. A record without
 * the header is a live change: every open generation takes it.
 */
public final class GenerationHeader {

    /** The Kafka header naming the one generation a record is for. */
    public static final String NAME = "freshrag-generation";

    private static final Pattern ID = Pattern.compile("g[1-9][0-9]{0,8}");

    private GenerationHeader() {
    }

    /** The generation id ({@code g<N>}) a header value names; empty for no header or a value that names none. */
    public static Optional<String> of(byte[] value) {
        if (value == null) {
            return Optional.empty();
        }
        String id = new String(value, StandardCharsets.UTF_8).trim();
        return ID.matcher(id).matches() ? Optional.of(id) : Optional.empty();
    }

    /** The header value for generation {@code id} ({@code g<N>}). */
    public static byte[] value(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a generation id is g<N>, was " + id);
        }
        return id.getBytes(StandardCharsets.UTF_8);
    }
}
