package dev.freshrag.ingest.gateway;

import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.DocumentChangeValidator;
import dev.freshrag.events.EventJson;
import dev.freshrag.events.Limits;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Op;
import dev.freshrag.events.Violation;
import dev.freshrag.http.Problem;
import dev.freshrag.http.ProblemException;
import dev.freshrag.ingest.chunking.Chunk;
import dev.freshrag.ingest.chunking.Chunker;
import dev.freshrag.ingest.chunking.DocumentChunker;
import dev.freshrag.ingest.chunking.TextExtractor;
import dev.freshrag.ingest.pipeline.ChunkOpsRecord;
import dev.freshrag.tokenizer.TokenCounter;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import dev.freshrag.ingest.config.IngestConfig;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The HTTP gateway for producers without a Kafka client: each call becomes one event on
 * kb.doc-changes, validated exactly as the topology validates, so an accepted write is never
 * dead-lettered later.
 */
@Path("/v1/tenants/{tenant}/documents/{docId: .+}")
@Tag(name = "documents")
@Produces(MediaType.APPLICATION_JSON)
public class DocumentResource {

    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(30);

    private final DocumentChangePublisher publisher;
    private final WriteAdmission admission;

    public DocumentResource(DocumentChangePublisher publisher, WriteAdmission admission) {
        this.publisher = publisher;
        this.admission = admission;
    }

    @PUT
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
