package dev.freshrag.query.search;

import dev.freshrag.index.IndexMismatchException;
import dev.freshrag.index.IndexUnavailableException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * Test-only endpoints that fail as the index does, so a test can see what a client gets back without
 * breaking the shared test index. Part of the application only in tests.
 */
@Path("/test-only/index-failure")
public class FailingIndexResource {

    @GET
    @Path("unavailable")
    public String unavailable() {
        throw new IndexUnavailableException("search failed on qdrant.internal:6334: UNAVAILABLE", null);
    }

    @GET
    @Path("mismatch")
    public String mismatch() {
        throw new IndexMismatchException("the index was built with model bge-small (384 dims)");
    }
}
