package dev.freshrag.events;

/** One thing wrong with an event or request: the field (JSON path) and what was wrong with it. */
public record Violation(String field, String message) {

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
