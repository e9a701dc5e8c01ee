package dev.freshrag.embedding;

/**
 * The embedding server rejected the texts themselves (HTTP 400, 413 or 422: an input too long, a batch too large,
 * a text its tokenizer cannot read). Sending the same texts again gets the same answer, so this is a deterministic
 * input error: retrying it would block the pipeline forever. The embed-service narrows it down to the record that
 * carries the text and dead-letters that record.
 */
public class EmbeddingRejectedException extends RuntimeException {

    private final int status;

    public EmbeddingRejectedException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status the server answered with. */
    public int status() {
        return status;
    }
}
