package dev.freshrag.query.documents;

import dev.freshrag.events.DocumentChangeValidator;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Violation;
import dev.freshrag.http.Problem;
import dev.freshrag.http.ProblemException;
import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.VectorIndexReader;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What the index holds of one document. */
@Path("/v1/tenants/{tenant}/documents/{docId: .+}")
@Tag(name = "documents")
public class DocumentStatusResource {

    /** Answer body: the indexed version, its chunk count and when it was last written. */
    public record DocumentView(String docId, long version, int chunks, String indexedAt) {
    }

    private final VectorIndexReader index;

    public DocumentStatusResource(VectorIndexReader index) {
        this.index = index;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Indexed version and chunk count of a document; 404 when the index holds none of it")
    public DocumentView get(@PathParam("tenant") String tenant, @PathParam("docId") String docId) {
        List<Violation> violations = new ArrayList<>();
        DocumentChangeValidator.validateTenant(tenant).ifPresent(violations::add);
        DocumentChangeValidator.validateDocId(docId).ifPresent(violations::add);
        if (!violations.isEmpty()) {
            throw new InvalidEventException(violations);
        }
        DocumentStatus s = index.document(tenant, docId)
                .orElseThrow(() -> new ProblemException(Problem.of(404, "Not Found", "the index holds no document '" + docId + "' for this tenant")));
        return new DocumentView(s.docId(), s.version(), s.chunks(), Instant.ofEpochMilli(s.indexedAt()).toString());
    }
}
