package dev.freshrag.events;

import java.util.Optional;

/**
 * An ingest-service task's word on {@link Topics#GENERATIONS} that it chunks every change it processes from now on for
 * a generation with its own chunking (a re-chunking reindex, {@code --chunk-max-tokens}). Keyed
 * {@code g<N>/ingest/<partition>} (beside the generations' own {@code g<N>} keys, which readers of
 * {@link GenerationControl} tell apart with {@link #isKey}). The ingest writes it in the same exactly-once transaction
 * as its output, so every change it processed before is on kb.doc-log below the end offsets read after this record is
 * seen: the reindex's backfill reads those end offsets only once every kb.doc-changes partition's task said so, and so
 * covers every change processed before the ingest knew the generation.
 *
 * @param generation {@code g<N>}
 * @param partition  the kb.doc-changes partition (= ingest task) that follows it
 * @param at         when the task saw it (ISO-8601)
 */
public record GenerationFollowed(String generation, int partition, String at) {

    private static final String INFIX = "/ingest/";

    /** The record key of this word. */
    public String key() {
        return key(generation, partition);
    }

    public static String key(String generation, int partition) {
        return generation + INFIX + partition;
    }

    /**
     * Whether a kb.generations key is one of the ingest-service's words (this one, or its {@link IngestChunking}) and
     * not a generation's own record: every reader of {@link GenerationControl} leaves these out.
     */
    public static boolean isKey(String key) {
        return key != null && key.contains(INFIX);
    }

    /** The generation a word's key names, if the key is one (an {@link IngestChunking} word names none). */
    public static Optional<String> generationOf(String key) {
        return isKey(key) && !IngestChunking.isKey(key) ? Optional.of(key.substring(0, key.indexOf(INFIX))) : Optional.empty();
    }
}
