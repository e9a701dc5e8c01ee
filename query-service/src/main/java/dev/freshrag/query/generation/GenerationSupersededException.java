package dev.freshrag.query.generation;

/**
 * The generation a switch was about to open is no longer the active one: the store moved on (a rollback, an abort, a
 * drop) while the switch loaded its model. Not a failure of the switch: the next check switches to what the store
 * names now.
 */
public final class GenerationSupersededException extends RuntimeException {

    public GenerationSupersededException(String message) {
        super(message);
    }
}
