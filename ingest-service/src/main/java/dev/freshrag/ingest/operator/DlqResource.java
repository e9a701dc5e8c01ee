package dev.freshrag.ingest.operator;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operator endpoints for kb.dlq; the API-key filter admits only {@code operator} keys here. Blocking (no Uni, so Quarkus REST runs it on a worker thread): each call
 * runs a Kafka consumer (and for replay a producer) for its duration, off the event loop.
 */
@Path("/v1/operator/dlq")
@Tag(name = "operator")
@Produces(MediaType.APPLICATION_JSON)
public class DlqResource {

    /** Answer of a replay. */
    public record Replayed(int replayed) {
    }

    private final DeadLetters deadLetters;

    public DlqResource(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @GET
    @Operation(summary = "List dead letters", description = "reason matches as a substring; from and to are offsets (inclusive) "
            + "in the given partition; at most limit (default 100) records.")
    public List<DeadLetter> list(@QueryParam("reason") String reason, @QueryParam("tenant") String tenant,
                                 @QueryParam("partition") Integer partition, @QueryParam("from") Long from,
                                 @QueryParam("to") Long to, @QueryParam("limit") Integer limit) {
        return deadLetters.list(DlqFilter.of(reason, tenant, partition, from, to, limit));
    }

    @POST
    @Path("/replay")
    @Operation(summary = "Replay dead letters", description = "Re-publishes each matching record's key and value to the topic of "
            + "the stage that rejected it (ingest: kb.doc-changes, embed: kb.chunk-ops), marked freshrag.dlq.replayed-from.")
    public Replayed replay(@QueryParam("reason") String reason, @QueryParam("tenant") String tenant,
                           @QueryParam("partition") Integer partition, @QueryParam("from") Long from,
                           @QueryParam("to") Long to, @QueryParam("limit") Integer limit) {
        return new Replayed(deadLetters.replay(DlqFilter.of(reason, tenant, partition, from, to, limit)));
    }
}
