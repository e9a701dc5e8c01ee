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

/** Hybrid (dense + BM25), dense or lexical search over one tenant's chunks. */
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
    @Operation(summary = "Find the chunks that best match a query",
            description = "mode: hybrid (default; dense and BM25 fused by reciprocal rank), dense or lexical. Each hit's "
                    + "score is the fused score, ranks and scores give each branch's rank and own score (cosine, BM25). "
                    + "maxPerDocument keeps at most that many chunks of one document.")
    public SearchResponse search(@PathParam("tenant") String tenant, SearchRequest request) {
        if (request == null) {
            throw new InvalidEventException("$", "a JSON body is required");
        }
        Retriever.Retrieval r = retriever.retrieve(tenant, request.query(), "query", new Retriever.Options(request.topK(),
                request.filter(), request.mode(), request.maxPerDocument(), request.consistentWith(), request.requireConsistent()));
        return new SearchResponse(r.fused().stream()
                .map(f -> new SearchResponse.Hit(f.hit().docId(), f.hit().version(), f.hit().chunkId(), (float) f.score(),
                        f.hit().title(), f.hit().text(), f.hit().metadata(), f.ranks(), f.scores()))
                .toList(), r.consistent(), r.generation().id());
    }
}
