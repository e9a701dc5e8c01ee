package dev.freshrag.ingest.gateway;

import dev.freshrag.events.DocumentChange;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Op;
import dev.freshrag.http.Problem;
import dev.freshrag.http.ProblemException;
import dev.freshrag.events.BulkWriteToken;
import dev.freshrag.events.Priority;
import dev.freshrag.events.WriteToken;
import dev.freshrag.ingest.cloudevents.HttpCloudEvents;
import dev.freshrag.ingest.cloudevents.MappedEvent;
import dev.freshrag.ingest.extraction.DocumentFormat;
import dev.freshrag.ingest.extraction.ExtractedText;
import dev.freshrag.ingest.extraction.TextExtraction;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
    private final TextExtraction extraction;
    private final HttpCloudEvents cloudEvents;

    public DocumentResource(DocumentChangePublisher publisher, WriteAdmission admission, BulkWrites bulk,
                            TextExtraction extraction, HttpCloudEvents cloudEvents) {
        this.publisher = publisher;
        this.admission = admission;
        this.bulk = bulk;
        this.extraction = extraction;
        this.cloudEvents = cloudEvents;
    }

    /** Query parameters of the raw PUT that become metadata entries: {@code meta.team=hr}. */
    static final String META_PREFIX = "meta.";

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

    /**
     * A document as a file: the body is the document itself and its Content-Type says what it is. Office documents
     * and PDFs are turned into text by Tika here, so the event on kb.doc-changes carries text. Any Content-Type but
     * JSON lands here (JSON is the event body above), so that an unsupported one is answered with what is supported.
     */
    @PUT
    @Path("documents/{docId: .+}")
    @Consumes(MediaType.WILDCARD)
    @Blocking // extraction and chunking (for the limits) take a while: never on the event loop
    @Operation(summary = "Create or replace a document from a file (PDF, DOCX, PPTX, ODT, RTF, EPUB, HTML, Markdown, text)",
            description = "Body: the file; Content-Type: its media type. ?version=n, ?title=..., ?sourceTimestamp=..., "
                    + "?meta.<key>=<value> (metadata). Header freshrag-priority: bulk puts it in the bulk lane.")
    public Uni<Response> putFile(@PathParam("tenant") String tenant, @PathParam("docId") String docId,
                                 @HeaderParam(HttpHeaders.CONTENT_TYPE) String contentType,
                                 @HeaderParam(Priority.HEADER) String priority,
                                 @QueryParam("version") Long version, @QueryParam("title") String title,
                                 @QueryParam("sourceTimestamp") String sourceTimestamp, @Context UriInfo uri, byte[] body) {
        DocumentFormat format = DocumentFormat.ofMediaType(contentType).orElseThrow(() -> new ProblemException(new Problem(
                "https://freshrag.dev/problems/unsupported-media-type", "Unsupported Media Type", 415,
                "Content-Type: " + (contentType == null ? "is required" : "'" + contentType + "' is not supported")
                        + "; send application/json (the event body) or a document of type " + DocumentFormat.accepted(),
                List.of(new dev.freshrag.events.Violation("Content-Type", contentType == null ? "is required" : "is not supported")))));
        Map<String, String> metadata = new TreeMap<>();
        uri.getQueryParameters().forEach((name, values) -> {
            if (name.startsWith(META_PREFIX) && !values.isEmpty()) {
                metadata.put(name.substring(META_PREFIX.length()), values.get(values.size() - 1));
            }
        });
        ExtractedText text = extraction.extract(body == null ? new byte[0] : body, format);
        DocumentChange event = new DocumentChange(tenant, docId, version, Op.UPSERT, title != null ? title : text.title(),
                text.contentType().mediaType(), text.content(), metadata.isEmpty() ? null : metadata, sourceTimestamp);
        return publish(event, Priority.ofHeader(priority == null ? null : priority.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /**
     * CloudEvents over HTTP, binary or structured content mode; see {@link dev.freshrag.ingest.cloudevents.CloudEventMapping}
     * for how {@code type}, {@code subject}, {@code time}, {@code data} and the extensions become a document change.
     */
    @POST
    @Path("events")
    @Consumes(MediaType.WILDCARD)
    @Blocking // data of an office document type is extracted
    @Operation(summary = "Apply a CloudEvent (binary or structured mode)",
            description = "type *.deleted|*.removed: delete, else upsert; subject: docId; time: sourceTimestamp; "
                    + "extension freshragversion: version; data: text, JSON {title, contentType, content, metadata}, "
                    + "or an office document or PDF. Answers 202 like PUT.")
    public Uni<Response> event(@PathParam("tenant") String tenant, @Context HttpHeaders headers, byte[] body) {
        MappedEvent mapped = cloudEvents.read(tenant, headers.getRequestHeaders(), body == null ? new byte[0] : body);
        return publish(mapped.change(), mapped.priority());
    }

    @DELETE
    @Path("documents/{docId: .+}")
    @Operation(summary = "Delete a document", description = "Optional ?version=n guards against deleting a newer version.")
    public Uni<Response> delete(@PathParam("tenant") String tenant, @PathParam("docId") String docId,
                                @QueryParam("version") Long version) {
        return publish(new DocumentChange(tenant, docId, version, Op.DELETE, null, null, null, null, null));
    }

    private Uni<Response> publish(DocumentChange event) {
        return publish(event, Priority.LIVE);
    }

    private Uni<Response> publish(DocumentChange event, Priority priority) {
        admission.validate(event);
        // chunking a large document takes a while: on a worker thread, never on the event loop
        Uni<Void> withinLimits = event.op() != Op.UPSERT ? Uni.createFrom().voidItem()
                : Uni.createFrom().<Void>item(() -> {
                    admission.requireWithinLimits(event);
                    return null;
                }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
        return withinLimits.chain(() -> Uni.createFrom().completionStage(() -> publisher.publish(event, priority))
                        .ifNoItem().after(PUBLISH_TIMEOUT).failWith(() -> unavailable("Kafka did not acknowledge the write in time"))
                        .onFailure(f -> !(f instanceof ProblemException)).transform(f -> unavailable("the write could not be stored: " + f.getMessage())))
                .map(token -> Response.accepted(new WriteAccepted(event.tenant(), event.docId(), event.version(),
                        tokenOf(token, priority))).build());
    }

    /** A bulk write is waited for in the bulk lane, which only a bulk token names. */
    private static String tokenOf(WriteToken token, Priority priority) {
        return priority == Priority.BULK
                ? new BulkWriteToken(token.tenant(), new TreeMap<>(Map.of(token.partition(), token.offset()))).toString()
                : token.toString();
    }

    static ProblemException unavailable(String detail) {
        return new ProblemException(Problem.of(503, "Service Unavailable", detail), java.util.Map.of("Retry-After", "5"));
    }
}
