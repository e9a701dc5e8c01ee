package dev.freshrag.query.operator;

import dev.freshrag.events.DocumentChangeValidator;
import dev.freshrag.http.Problem;
import dev.freshrag.http.ProblemException;
import dev.freshrag.index.DocumentStatus;
import dev.freshrag.index.VectorIndexReader;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What the index holds of given documents, for {@code ./freshrag verify}: operator keys only (the API-key filter), any
 * tenant. A batch per call, so a verify of many documents needs few requests. Works on every index adapter (it uses
 * only the reader's per-document status and chunk ids, and its paged listing of document marks).
 */
@Path("/v1/operator/index/documents")
@Tag(name = "operator")
public class IndexedDocumentsResource {

    /** At most this many documents a call, so one answer stays small. */
    static final int MAX_BATCH = 1000;

    /** One document asked about. */
    public record DocumentRef(String tenant, String docId) {
    }

    /** What the index holds of it: {@code present} false (and no version) when it holds no point of it. */
    public record IndexedDocument(String tenant, String docId, boolean present, Long version, List<String> chunkIds) {
    }

    private final VectorIndexReader index;

    public IndexedDocumentsResource(VectorIndexReader index) {
        this.index = index;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Indexed version and chunk ids of documents", description = "Body: a JSON array of {tenant, docId}, "
            + "at most 1000.")
    public List<IndexedDocument> lookup(List<DocumentRef> documents) {
        if (documents == null || documents.isEmpty() || documents.size() > MAX_BATCH) {
            throw bad("the body must be a JSON array of 1 to " + MAX_BATCH + " {\"tenant\", \"docId\"}");
        }
        List<IndexedDocument> out = new ArrayList<>(documents.size());
        for (DocumentRef d : documents) {
            if (d == null || d.tenant() == null || d.docId() == null) {
                throw bad("every entry needs tenant and docId");
            }
            DocumentChangeValidator.validateTenant(d.tenant()).ifPresent(v -> {
                throw bad("tenant: " + v.message());
            });
            DocumentChangeValidator.validateDocId(d.docId()).ifPresent(v -> {
                throw bad("docId: " + v.message());
            });
            Optional<DocumentStatus> status = index.document(d.tenant(), d.docId());
            out.add(status.isEmpty() ? new IndexedDocument(d.tenant(), d.docId(), false, null, List.of())
                    : new IndexedDocument(d.tenant(), d.docId(), true, status.get().version(),
                    index.chunkIds(d.tenant(), d.docId())));
        }
        return out;
    }

    /** One page of a tenant's indexed documents; {@code next} is the {@code after} of the following page, null at the end. */
    public record IndexedDocumentsPage(String tenant, List<dev.freshrag.index.IndexedDocument> documents, String next) {
    }

    /**
     * The tenant's documents the index holds (by their marks; deleted ones left out), a page at a time, for verify's
     * orphan search: pass each answer's {@code next} as {@code after} until it is null. A page may hold fewer than
     * {@code limit} documents before the end.
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A page of a tenant's indexed documents (docId, version)", description = "Query: tenant "
            + "(required), after (the previous page's next), limit (1 to 1000, default 500).")
    public IndexedDocumentsPage list(@QueryParam("tenant") String tenant, @QueryParam("after") String after,
                                     @QueryParam("limit") @DefaultValue("500") int limit) {
        if (tenant == null || tenant.isBlank()) {
            throw bad("the query parameter tenant is required");
        }
        DocumentChangeValidator.validateTenant(tenant).ifPresent(v -> {
            throw bad("tenant: " + v.message());
        });
        if (limit < 1 || limit > MAX_BATCH) {
            throw bad("limit must be 1 to " + MAX_BATCH + ", was " + limit);
        }
        dev.freshrag.index.IndexedDocumentPage page;
        try {
            page = index.indexedDocuments(tenant, after, limit);
        } catch (IllegalArgumentException e) {
            throw bad("after: " + e.getMessage());
        }
        return new IndexedDocumentsPage(tenant, page.documents(), page.next());
    }

    private static ProblemException bad(String detail) {
        return new ProblemException(Problem.of(400, "Bad Request", detail));
    }
}
