package dev.freshrag.index.generation;

/**
 * A generation change that the current plan does not allow (a switch with nothing building, a second build, a
 * rollback with no previous generation), or that lost a race with another change. The message says which.
 */
public class GenerationConflictException extends IllegalStateException {
    public GenerationConflictException(String message) {
        super(message);
    }
}
