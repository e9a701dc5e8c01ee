package dev.freshrag.ingest.sources.debezium;

/**
 * A change event the mapping cannot read: a deterministic fault of the record (or of the mapping against this
 * table), the same on every retry, so the record is dead-lettered with this reason rather than retried.
 */
final class UnreadableChangeException extends RuntimeException {

    private final String field;

    UnreadableChangeException(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    /** The offending field or column, or {@code $} for the whole record. */
    String field() {
        return field;
    }
}
