package dev.freshrag.index.generation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The plan of an index's generations: exactly one {@link GenerationState#ACTIVE}, at most one
 * {@link GenerationState#BUILDING} and at most one {@link GenerationState#PREVIOUS}. Immutable: every change answers
 * a new plan, which the store's pointer (Lucene's pointer file, Qdrant's alias) then makes current in one atomic step.
 *
 * <p>The changes, as {@code ./freshrag reindex} names them: {@link #start} a building generation; {@link #switchToBuilding}
 * makes it active and the active one previous (an older previous one leaves the plan, its store is then dropped);
 * {@link #rollback} swaps active and previous (so a second rollback rolls forward again); {@link #abortBuilding} and
 * {@link #dropPrevious} take one out of the plan. Whether a building generation is caught up is not the plan's
 * business: the caller checks that before it asks for the switch.
 *
 * @param generations in number order
 * @param lastNumber  the highest generation number ever used, kept after that generation left the plan, so that a
 *                    number (a Lucene directory, a Qdrant collection) is never reused for another build
 */
public record Generations(List<Generation> generations, int lastNumber) {

    public Generations {
        generations = generations.stream().sorted(Comparator.comparingInt(Generation::number)).toList();
        if (count(generations, GenerationState.ACTIVE) != 1) {
            throw new IllegalArgumentException("a plan needs exactly one active generation: " + generations);
        }
        if (count(generations, GenerationState.BUILDING) > 1 || count(generations, GenerationState.PREVIOUS) > 1) {
            throw new IllegalArgumentException("a plan holds at most one building and one previous generation: "
                    + generations);
        }
        if (generations.stream().map(Generation::number).distinct().count() != generations.size()) {
            throw new IllegalArgumentException("generation numbers must be distinct: " + generations);
        }
        int highest = generations.stream().mapToInt(Generation::number).max().orElse(0);
        if (lastNumber < highest) {
            throw new IllegalArgumentException("lastNumber " + lastNumber + " is below generation " + highest);
        }
    }

    /** A plan of one active generation: a new index, or an index from before generations adopted as is. */
    public static Generations first(String modelId, int dimension, int chunkMaxTokens, Instant now) {
        return new Generations(List.of(new Generation(1, modelId, dimension, chunkMaxTokens, GenerationState.ACTIVE, now)), 1);
    }

    public Generation active() {
        return in(GenerationState.ACTIVE).orElseThrow();
    }

    public Optional<Generation> building() {
        return in(GenerationState.BUILDING);
    }

    public Optional<Generation> previous() {
        return in(GenerationState.PREVIOUS);
    }

    public Optional<Generation> byNumber(int number) {
        return generations.stream().filter(g -> g.number() == number).findFirst();
    }

    /**
     * Adds a building generation, numbered one above {@link #lastNumber()}.
     *
     * @throws GenerationConflictException one is building already
     */
    public Generations start(String modelId, int dimension, int chunkMaxTokens, Instant now) {
        building().ifPresent(b -> {
            throw new GenerationConflictException("generation " + b.id() + " (" + b.modelId()
                    + ") is building already; switch to it or abort it first");
        });
        int number = lastNumber + 1;
        List<Generation> next = new ArrayList<>(generations);
        next.add(new Generation(number, modelId, dimension, chunkMaxTokens, GenerationState.BUILDING, now));
        return new Generations(next, number);
    }

    /**
     * The building generation becomes active, the active one previous; a previous one leaves the plan (its store can
     * then be dropped: {@link #leftBy}).
     *
     * @throws GenerationConflictException nothing is building
     */
    public Generations switchToBuilding() {
        building().orElseThrow(() -> new GenerationConflictException(
                "no generation is building; start one with: reindex start --model M"));
        List<Generation> next = new ArrayList<>();
        for (Generation g : generations) {
            switch (g.state()) {
                case BUILDING -> next.add(g.withState(GenerationState.ACTIVE));
                case ACTIVE -> next.add(g.withState(GenerationState.PREVIOUS));
                case PREVIOUS -> { }
            }
        }
        return new Generations(next, lastNumber);
    }

    /**
     * The previous generation becomes active again and the active one previous, so nothing is lost and a second
     * rollback rolls forward.
     *
     * @throws GenerationConflictException no previous generation is kept
     */
    public Generations rollback() {
        previous().orElseThrow(() -> new GenerationConflictException(
                "no previous generation is kept (never switched, or it was dropped); nothing to roll back to"));
        return new Generations(generations.stream().map(g -> switch (g.state()) {
            case PREVIOUS -> g.withState(GenerationState.ACTIVE);
            case ACTIVE -> g.withState(GenerationState.PREVIOUS);
            case BUILDING -> g;
        }).toList(), lastNumber);
    }

    /** Takes the building generation out of the plan; its store can then be dropped. */
    public Generations abortBuilding() {
        Generation building = building().orElseThrow(() -> new GenerationConflictException("no generation is building"));
        return without(building);
    }

    /** Takes the previous generation out of the plan; its store can then be dropped (no rollback after that). */
    public Generations dropPrevious() {
        Generation previous = previous().orElseThrow(() -> new GenerationConflictException("no previous generation is kept"));
        return without(previous);
    }

    /** The generations of this plan that {@code next} no longer holds: their stores are to be dropped. */
    public List<Generation> leftBy(Generations next) {
        return generations.stream().filter(g -> next.byNumber(g.number()).isEmpty()).toList();
    }

    private Generations without(Generation gone) {
        return new Generations(generations.stream().filter(g -> g.number() != gone.number()).toList(), lastNumber);
    }

    private Optional<Generation> in(GenerationState state) {
        return generations.stream().filter(g -> g.state() == state).findFirst();
    }

    private static long count(List<Generation> generations, GenerationState state) {
        return generations.stream().filter(g -> g.state() == state).count();
    }
}
