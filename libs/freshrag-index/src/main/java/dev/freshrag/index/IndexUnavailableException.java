package dev.freshrag.index;

/** The store cannot be reached or failed transiently; the caller retries or answers 503. */
public class IndexUnavailableException extends RuntimeException {
    public IndexUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
