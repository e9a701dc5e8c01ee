package dev.freshrag.query.search;

import dev.freshrag.events.InvalidEventException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Semantic search over one tenant's chunks. */
@Path("/v1/tenants/{tenant}/search")
@Tag(name = "search")
public class SearchResource {

    private final Retriever retriever;

    public SearchResource(Retriever retriever) {
        this.retriever = retriever;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Find the chunks nearest to a query")
    public SearchResponse search(@PathParam("tenant") String tenant, SearchRequest request) {
        if (request == null) {
            throw new InvalidEventException("$", "a JSON body is required");
        }
        Retriever.Retrieval r = retriever.retrieve(tenant, request.query(), "query", request.topK(), request.filter(),
                request.consistentWith(), request.requireConsistent());
        return new SearchResponse(r.hits().stream()
                .map(h -> new SearchResponse.Hit(h.docId(), h.version(), h.chunkId(), h.score(), h.title(), h.text(), h.metadata()))
                .toList(), r.consistent());
    }
}
