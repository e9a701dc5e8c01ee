package dev.freshrag.embed.reindex;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operator endpoints of a reindex (issue 16); the API-key filter admits only {@code operator} keys here. Blocking (no
 * Uni, so Quarkus REST runs them on a worker thread): a start loads a model, a switch waits for the write in progress.
 * Every refusal is a 4xx {@code application/problem+json} saying why.
 */
@Path("/v1/operator/reindex")
@Tag(name = "operator")
@Produces(MediaType.APPLICATION_JSON)
public class ReindexResource {

    /** Body of a start: the model of the new generation, and optionally another chunking (most tokens of a chunk). */
    public record StartRequest(String model, Integer chunkMaxTokens) {
    }

    private final Reindex reindex;

    public ReindexResource(Reindex reindex) {
        this.reindex = reindex;
    }

    @GET
    @Operation(summary = "Reindex status", description = "The active, building and previous generations, the backfill's "
            + "progress (documents and chunks, rate, ETA), the building generation's lag behind the active one per lane "
            + "and partition, and whether a switch would switch now.")
    public ReindexStatus status() {
        return reindex.status();
    }

    @POST
    @Path("/start")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Start a reindex", description = "Opens a building generation with the model (e.g. "
            + "bge-small-en-v1.5), writes every live change to it too, and re-drives every document of kb.doc-log into it "
            + "through the bulk lane. With chunkMaxTokens (another chunking than the active generation's, within the model's max "
            + "length, else 422) the documents are chunked again for it, with their own diff state.")
    public ReindexStatus start(StartRequest request) {
        if (request == null || request.model() == null || request.model().isBlank()) {
            throw new dev.freshrag.http.ProblemException(dev.freshrag.http.Problem.of(400, "Bad Request",
                    "send {\"model\": \"<embedding model>\"}, e.g. {\"model\": \"bge-small-en-v1.5\"}"));
        }
        return reindex.start(request.model(), request.chunkMaxTokens());
    }

    @POST
    @Path("/switch")
    @Operation(summary = "Switch to the building generation", description = "Only when it is caught up (backfill applied, "
            + "positions at the active generation's on both lanes); else 409 saying how far behind it is.")
    public ReindexStatus switchToBuilding() {
        return reindex.switchToBuilding();
    }

    @POST
    @Path("/rollback")
    @Operation(summary = "Roll back", description = "The previous generation becomes active again (it was kept written).")
    public ReindexStatus rollback() {
        return reindex.rollback();
    }

    @POST
    @Path("/abort")
    @Operation(summary = "Abort the reindex", description = "Closes the building generation and deletes its files.")
    public ReindexStatus abort() {
        return reindex.abort();
    }

    @POST
    @Path("/drop-previous")
    @Operation(summary = "Drop the previous generation", description = "Closes the generation kept for a rollback and deletes its files.")
    public ReindexStatus dropPrevious() {
        return reindex.dropPrevious();
    }
}
