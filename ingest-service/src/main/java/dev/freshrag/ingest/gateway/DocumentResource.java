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
    private final DocumentChangeValidator validator;
    private final DocumentChunker documents;

    public DocumentResource(DocumentChangePublisher publisher, IngestConfig config, TokenCounter tokens) {
        this.publisher = publisher;
        this.validator = new DocumentChangeValidator(config.limits().toLimits());
        this.documents = new DocumentChunker(new TextExtractor(),
                new Chunker(tokens, config.chunking().maxTokens(), config.chunking().minTokens()), Limits.MAX_CHUNKS_PER_DOCUMENT);
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
        List<Violation> violations = new ArrayList<>(validator.validate(event));
        if (!violations.isEmpty()) {
            throw new InvalidEventException(violations);
        }
        // chunking a large document takes a while: on a worker thread, never on the event loop
        Uni<Void> withinLimits = event.op() != Op.UPSERT ? Uni.createFrom().voidItem()
                : Uni.createFrom().<Void>item(() -> {
                    requireWithinLimits(event);
                    return null;
                }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        return withinLimits.chain(() -> Uni.createFrom().completionStage(() -> publisher.publish(event))
                        .ifNoItem().after(PUBLISH_TIMEOUT).failWith(() -> unavailable("Kafka did not acknowledge the write in time"))
                        .onFailure(f -> !(f instanceof ProblemException)).transform(f -> unavailable("the write could not be stored: " + f.getMessage())))
                .map(token -> Response.accepted(new WriteAccepted(event.tenant(), event.docId(), event.version(), token.toString())).build());
    }

    /**
     * The limits only the content's processing reveals, checked as the topology will meet them (the same
     * extraction, chunking and limits), so that an accepted write is never dead-lettered: the event's own record
     * size, the chunk count, and the largest kb.chunk-ops record the document can make. Over a limit is 413,
     * content the parsers cannot read is 422.
     */
    private void requireWithinLimits(DocumentChange event) {
        long eventBytes = EventJson.write(event).length;
        if (eventBytes > Limits.MAX_RECORD_BYTES) {
            throw tooLarge(new Violation("content", "makes a kb.doc-changes record of " + eventBytes
                    + " bytes (JSON-escaped), above the limit of " + Limits.MAX_RECORD_BYTES + " bytes"));
        }
        List<Chunk> chunks;
        try {
            chunks = documents.chunk(event.content(), event.parsedContentType());
        } catch (DocumentChunker.TooManyChunksException e) {
            throw tooLarge(e.violations().get(0));
        } catch (InvalidEventException e) {
            throw new ProblemException(new Problem("https://freshrag.dev/problems/unprocessable-document",
                    "Unprocessable document", 422, e.getMessage(), e.violations()));
        }
        ChunkOpsRecord.checkSize(ChunkOpsRecord.upperBound(event, chunks)).ifPresent(v -> {
            throw tooLarge(v);
        });
    }

    private static ProblemException tooLarge(Violation v) {
        return new ProblemException(new Problem("https://freshrag.dev/problems/document-too-large",
                "Document too large", 413, v.toString(), List.of(v)));
    }

    private static ProblemException unavailable(String detail) {
        return new ProblemException(Problem.of(503, "Service Unavailable", detail), java.util.Map.of("Retry-After", "5"));
    }
}
