package dev.freshrag.index.generation;

/**
 * Where a {@link Generation} stands. Generations that were aborted or dropped are no longer part of the
 * {@link Generations} plan, so they have no state here.
 */
public enum GenerationState {
    /** Being filled from the rebuild log while live changes are applied to it too; not searched yet. */
    BUILDING,
    /** The one generation queries search. */
    ACTIVE,
    /** The generation that was active before the last switch: still written, so a rollback loses nothing. */
    PREVIOUS
}
