package dev.freshrag.events;

import java.util.Map;

/**
 * One index generation as the reindex endpoints record it on {@link Topics#GENERATIONS} (keyed by {@link #generation}):
 * what it is built with, where it stands, and how far its backfill got, so that a restarted embed-service resumes the
 * backfill and every replica knows which generations to write.
 *
 * @param generation     {@code g<N>}
 * @param modelId        the embedding model of its vectors ({@code bge-small-en-v1.5}; an int8 build ends in {@code -q})
 * @param dimension      that model's vector dimension
 * @param chunkMaxTokens the chunking it is built with (null: the service's configured one)
 * @param state          where it stands
 * @param startedAt      when the reindex started (ISO-8601)
 * @param backfill       the re-drive of kb.doc-log into it (null for a generation no reindex built, such as g1)
 */
public record GenerationControl(String generation, String modelId, int dimension, Integer chunkMaxTokens, State state,
                                String startedAt, Backfill backfill) {

    /** The life of a generation: {@code building} until switched to ({@code active}), then {@code previous}. */
    public enum State {
        BUILDING, ACTIVE, PREVIOUS, ABORTED, DROPPED
    }

    /**
     * The backfill: every document's newest record on kb.doc-log, up to the end offsets read when it started,
     * re-driven tagged with the generation.
     *
     * @param total        documents to re-drive (known once the log was scanned; 0 before)
     * @param redriven     documents re-driven so far
     * @param done         every one re-driven
     * @param end          per kb.doc-log partition, the end offset read at the start (what the backfill covers)
     * @param redrivenUpTo per kb.doc-log partition, the offset up to which (exclusive) records were re-driven: where a
     *                     restarted embed-service resumes
     * @param lastSent     per kb.doc-changes partition, the offset of the last re-driven record: the backfill is
     *                     applied once the generation's bulk lane passed these
     */
    public record Backfill(long total, long redriven, boolean done, Map<Integer, Long> end, Map<Integer, Long> redrivenUpTo,
                           Map<Integer, Long> lastSent) {

        public Backfill {
            end = end == null ? Map.of() : Map.copyOf(end);
            redrivenUpTo = redrivenUpTo == null ? Map.of() : Map.copyOf(redrivenUpTo);
            lastSent = lastSent == null ? Map.of() : Map.copyOf(lastSent);
        }

        /** Not started: nothing scanned, nothing re-driven. */
        public static Backfill none() {
            return new Backfill(0, 0, false, Map.of(), Map.of(), Map.of());
        }
    }

    public GenerationControl withState(State next) {
        return new GenerationControl(generation, modelId, dimension, chunkMaxTokens, next, startedAt, backfill);
    }

    public GenerationControl withBackfill(Backfill next) {
        return new GenerationControl(generation, modelId, dimension, chunkMaxTokens, state, startedAt, next);
    }
}
