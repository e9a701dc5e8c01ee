package dev.freshrag.query.generation;

import dev.freshrag.index.IndexFingerprint;
import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.generation.Generation;
import dev.freshrag.index.generation.GenerationState;
import dev.freshrag.index.generation.Generations;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The index generation this query-service searches, and the model its queries are embedded with: what
 * {@code GET /v1/tenants/{tenant}/index}, readiness and {@code freshrag_generation_info} report. Chosen at start
 * ({@link #choose}), then followed while the service runs ({@link GenerationWatcher}).
 *
 * @param generation     its number; 1 for an index from before generations
 * @param model          the model of its vectors, which embeds the queries
 * @param dimension      the vector dimension
 * @param chunkMaxTokens the chunking it was built with, or null where the store records none (no Lucene pointer yet;
 *                       on Qdrant, the first collection until a generation writer opens it)
 * @param state          {@code active} (a service never searches a building or previous generation)
 */
public record ServedGeneration(int generation, String model, int dimension, Integer chunkMaxTokens, String state) {

    /** The active generation of a plan, as served. */
    public static ServedGeneration of(Generation g) {
        return new ServedGeneration(g.number(), g.modelId(), g.dimension(), g.chunkMaxTokens(), label(g.state()));
    }

    /** What its vectors mean: the model that must embed the queries searched in it. */
    public IndexFingerprint fingerprint() {
        return new IndexFingerprint(model, dimension);
    }

    /** Whether {@code other} is the same build: the same generation number and model. */
    public boolean sameBuild(ServedGeneration other) {
        return generation == other.generation && model.equals(other.model);
    }

    /** {@code g<N>}. */
    public String id() {
        return Generation.id(generation);
    }

    /**
     * The active generation of {@code plan}, which must hold vectors of the service's model; without a plan, the one
     * index there is (Qdrant: the collection the alias names), as the generation the store records, else 1.
     *
     * @throws IndexMismatchException the active generation was built with another model: the service would embed
     *                                queries that its vectors cannot be compared with
     */
    public static ServedGeneration choose(Optional<Generations> plan, IndexFingerprint serviceModel,
            OptionalInt storeGeneration) {
        if (plan.isEmpty()) {
            return new ServedGeneration(storeGeneration.orElse(1), serviceModel.modelId(), serviceModel.dimension(), null, label(GenerationState.ACTIVE));
        }
        Generation active = plan.get().active();
        if (!active.fingerprint().equals(serviceModel)) {
            throw new IndexMismatchException("the active index generation " + active.id() + " was built with model "
                    + active.modelId() + " (" + active.dimension() + " dims) but this service embeds queries with "
                    + serviceModel.modelId() + " (" + serviceModel.dimension() + " dims); set freshrag.embedding.model to "
                    + "the active generation's model");
        }
        return of(active);
    }

    private static String label(GenerationState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
