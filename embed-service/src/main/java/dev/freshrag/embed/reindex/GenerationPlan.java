package dev.freshrag.embed.reindex;

import dev.freshrag.embed.config.EmbedConfig;
import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.Generations;
import dev.freshrag.index.select.IndexOpener;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where the plan of generations lives for the configured index, and what makes a change of it real: on Lucene the
 * pointer file ({@link LucenePlan}); on Qdrant the alias (which generation is active) together with kb.generations
 * (which one builds or is kept as previous, {@link QdrantPlan}). The reindex verbs ({@link Reindex}) and the
 * embed-service's start (which generations to write) read it through this, whatever the store.
 */
public interface GenerationPlan extends AutoCloseable {

    /** The plan, or empty where none was ever written (no reindex was ever started). */
    Optional<Generations> read();

    /**
     * The plan, writing the first one (the active generation alone) where there is none yet.
     *
     * @param active       what the active writer's index holds
     * @param activeNumber its generation number where the store records one (a Qdrant collection's metadata)
     */
    Generations openOrAdopt(IndexFingerprint active, OptionalInt activeNumber, int chunkMaxTokens, Instant now);

    /**
     * Makes {@code next} the plan if it is still {@code expected}: on Qdrant a change of the active generation moves the
     * alias (before the records say so: the alias is the truth).
     *
     * @throws dev.freshrag.index.generation.GenerationConflictException the plan changed meanwhile
     */
    Generations change(Generations expected, Generations next);

    /** Deletes the store of a generation that left the plan (its writer closed first); never the active one. */
    void drop(Generation generation);

    @Override
    void close();

    /** The plan of the configured index; on Qdrant read and written through {@code control}. */
    static GenerationPlan of(EmbedConfig config, ControlTopic control) {
        return switch (config.index().kind()) {
            case LUCENE -> new LucenePlan(IndexOpener.lucenePlan(config.index()));
            case QDRANT -> new QdrantPlan(IndexOpener.qdrantGenerations(config.index()), control);
        };
    }

    /** The plan as the embed-service finds it at start (on Qdrant one read of kb.generations at {@code bootstrap}). */
    static Optional<Generations> atStart(EmbedConfig config, String bootstrap) {
        try (GenerationPlan plan = of(config, new ControlTopic(bootstrap, config.topics().generations()))) {
            return plan.read();
        }
    }
}
