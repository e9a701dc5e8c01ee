package dev.freshrag.query.generation;

import java.time.Instant;

/**
 * The last switch that could not be made: the service kept serving the generation it served (still ready: that one is
 * consistent), and readiness says what failed.
 *
 * @param target the generation the store names active, which could not be loaded or opened
 * @param reason why
 * @param at     when the attempt failed
 */
public record SwitchFailure(ServedGeneration target, String reason, Instant at) {
}
