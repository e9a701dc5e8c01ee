package dev.freshrag.query.search;

import dev.freshrag.embedding.EmbedderUnavailableException;
import dev.freshrag.embedding.EmbeddingRejectedException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * Test-only endpoints that fail as a remote embedder does, so a test can see what a client gets back without an
 * embedding server. Part of the application only in tests.
 */
@Path("/test-only/embedder-failure")
public class FailingEmbedderResource {

    @GET
    @Path("unavailable")
    public String unavailable() {
        throw new EmbedderUnavailableException("POST http://tei.internal:8080/embed answered 503: Unhealthy: Model is not ready");
    }

    @GET
    @Path("rejected")
    public String rejected() {
        throw new EmbeddingRejectedException(400, "POST http://vllm.internal:8000/v1/embeddings answered 400: "
                + "BadRequestError: This model's maximum context length is 512 tokens");
    }
}
