package dev.freshrag.events;

/**
 * An ingest-service task's word on {@link Topics#GENERATIONS} of the chunking it runs with
 * ({@code freshrag.chunking.max-tokens}), said once each time the task starts. The embed-service compares it with the
 * chunking it assumes the ingest has ({@code freshrag.reindex.chunk-max-tokens}) before a reindex: the two decide
 * together whether a generation is chunked apart, and if they disagree a generation gets the ingest's chunks and its
 * own, or neither. Keyed {@code chunking/ingest/<partition>}, so that every reader of {@link GenerationControl} leaves it
 * out as an ingest word ({@link GenerationFollowed#isKey}), older versions included.
 *
 * @param partition the kb.doc-changes partition (= ingest task) that chunks this way
 * @param maxTokens the task's {@code freshrag.chunking.max-tokens}
 * @param at        when the task said it (ISO-8601)
 */
public record IngestChunking(int partition, int maxTokens, String at) {

    private static final String PREFIX = "chunking/ingest/";

    public String key() {
        return PREFIX + partition;
    }

    public static boolean isKey(String key) {
        return key != null && key.startsWith(PREFIX);
    }
}
