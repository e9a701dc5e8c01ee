package dev.freshrag.ingest.gateway;

import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Op;
import dev.freshrag.http.Problem;
import dev.freshrag.http.ProblemException;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The HTTP gateway for producers without a Kafka client: each PUT or DELETE becomes one live event on
 * kb.doc-changes, each line of {@code documents:bulk} one event marked bulk ({@link BulkWrites}), validated exactly as the topology validates, so an accepted write is never
 * dead-lettered later.
 */
@Path("/v1/tenants/{tenant}")
@Tag(name = "documents")
@Produces(MediaType.APPLICATION_JSON)
public class DocumentResource {

    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    private final DocumentChangePublisher publisher;
    private final WriteAdmission admission;
    private final BulkWrites bulk;

    public DocumentResource(DocumentChangePublisher publisher, WriteAdmission admission, BulkWrites bulk) {
        this.publisher = publisher;
        this.admission = admission;
        this.bulk = bulk;
    }

    @POST
    @Path("documents:bulk")
    @Consumes({BulkWrites.NDJSON, MediaType.TEXT_PLAIN})
    @Blocking // parses, chunks (for the limits) and waits for the broker: never on the event loop
    @Operation(summary = "Create, replace or delete many documents as bulk work",
            description = "NDJSON: one PUT body plus docId and optional op (upsert|delete) per line. Answers 202 with "
                    + "per-line results and one read-your-writes token for all accepted lines; the writes are marked "
                    + "bulk (freshrag-priority: bulk), so live edits go first.")
    public Response bulk(@PathParam("tenant") String tenant, String body) {
        return bulk.bulk(tenant, body);
    }

    @PUT
    @Path("documents/{docId: .+}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create or replace a document", description = "Answers 202 once the event is on kb.doc-changes.")
    public Uni<Response> put(@PathParam("tenant") String tenant, @PathParam("docId") String docId, DocumentBody body) {
        if (body == null) {
            throw new InvalidEventException("$", "a JSON body is required");
        }
        return publish(new DocumentChange(tenant, docId, body.version(), Op.UPSERT, body.title(), body.contentType(),
                body.content(), body.metadata(), body.sourceTimestamp()));
    }

    @DELETE
    @Path("documents/{docId: .+}")
    @Operation(summary = "Delete a document", description = "Optional ?version=n guards against deleting a newer version.")
    public Uni<Response> delete(@PathParam("tenant") String tenant, @PathParam("docId") String docId,
                                @QueryParam("version") Long version) {
        return publish(new DocumentChange(tenant, docId, version, Op.DELETE, null, null, null, null, null));
    }

    private Uni<Response> publish(DocumentChange event) {
        admission.validate(event);
        // chunking a large document takes a while: on a worker thread, never on the event loop
        Uni<Void> withinLimits = event.op() != Op.UPSERT ? Uni.createFrom().voidItem()
                : Uni.createFrom().<Void>item(() -> {
                    admission.requireWithinLimits(event);
                    return null;
                }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        return withinLimits.chain(() -> Uni.createFrom().completionStage(() -> publisher.publish(event))
                        .ifNoItem().after(PUBLISH_TIMEOUT).failWith(() -> unavailable("Kafka did not acknowledge the write in time"))
                        .onFailure(f -> !(f instanceof ProblemException)).transform(f -> unavailable("the write could not be stored: " + f.getMessage())))
                .map(token -> Response.accepted(new WriteAccepted(event.tenant(), event.docId(), event.version(), token.toString())).build());
    }

    static ProblemException unavailable(String detail) {
        return new ProblemException(Problem.of(503, "Service Unavailable", detail), java.util.Map.of("Retry-After", "5"));
    }
}
