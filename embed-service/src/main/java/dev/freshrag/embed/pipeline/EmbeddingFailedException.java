package dev.freshrag.embed.pipeline;

/**
 * The embedding model failed on a batch (CUDA out of memory, a stuck GPU, a broken session). Records reach the
 * model only after they were parsed and validated, so this says nothing about the records: it is a fault of the
 * model, retried like an index outage and never a reason to dead-letter.
 */
public final class EmbeddingFailedException extends RuntimeException {

    public EmbeddingFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
