package dev.freshrag.query.generation;

/** The query-service now searches {@code to} instead of {@code from} (fired after the swap, once). */
public record GenerationSwitched(ServedGeneration from, ServedGeneration to) {
}
