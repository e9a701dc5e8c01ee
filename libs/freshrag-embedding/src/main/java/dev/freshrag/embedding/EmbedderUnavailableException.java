package dev.freshrag.embedding;

/**
 * The embedder could not produce vectors for a reason that is not the texts' fault: the embedding server refused
 * the connection, timed out, answered 5xx or 429 (overloaded), or refused our credentials. Callers retry it; it is
 * never a reason to dead-letter the records.
 */
public class EmbedderUnavailableException extends RuntimeException {

    public EmbedderUnavailableException(String message) {
        super(message);
    }

    public EmbedderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
