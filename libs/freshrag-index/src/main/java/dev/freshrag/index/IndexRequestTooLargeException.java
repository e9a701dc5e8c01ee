package dev.freshrag.index;

/**
 * A request to the store, or its answer, is larger than a message limit allows (gRPC's {@code RESOURCE_EXHAUSTED}
 * "message exceeds maximum size"). It is a bug in how the adapter cuts its requests, not an outage: the same call fails
 * the same way every time, so callers must not retry it but surface it (an operator has to act).
 */
public class IndexRequestTooLargeException extends IllegalStateException {
    public IndexRequestTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
