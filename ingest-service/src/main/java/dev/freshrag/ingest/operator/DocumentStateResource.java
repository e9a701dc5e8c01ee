package dev.freshrag.ingest.operator;

import dev.freshrag.events.DocumentChangeValidator;
import dev.freshrag.events.DocumentKey;
import dev.freshrag.http.Problem;
import dev.freshrag.http.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Operator endpoints of {@code ./freshrag verify}: what the pipeline's state says should be indexed, and the re-drive
 * of documents the index got wrong. Operator keys only (the API-key filter). Blocking: the listing iterates the
 * state store, the repair runs a consumer and a producer, both off the event loop.
 */
@Path("/v1/operator/documents")
@Tag(name = "operator")
@Produces(MediaType.APPLICATION_JSON)
public class DocumentStateResource {

    /** One document to re-drive. */
    public record DocumentRef(String tenant, String docId) {
    }

    private final DocumentStates states;
    private final RepairDriver repair;
    private final InstanceFanOut fanOut;
    private final StateInstances instances;

    public DocumentStateResource(DocumentStates states, RepairDriver repair, InstanceFanOut fanOut, StateInstances instances) {
        this.states = states;
        this.repair = repair;
        this.fanOut = fanOut;
        this.instances = instances;
    }

    @GET
    @Operation(summary = "What should be indexed", description = "Per document of the tenant (every tenant without one): "
            + "version, deleted, chunk ids, from the document state of every ingest-service instance (scope=local: "
            + "this instance's partitions only). 503 with Retry-After while the instances rebalance.")
    public List<ExpectedDocument> list(@QueryParam("tenant") String tenant, @QueryParam("scope") String scope,
                                       @HeaderParam("Authorization") String authorization) {
        if (tenant != null) {
            DocumentChangeValidator.validateTenant(tenant).ifPresent(v -> {
                throw bad("tenant: " + v.message());
            });
        }
        if (scope(scope) == StateScope.LOCAL) {
            instances.requireRunning();
            return states.listLocal(tenant);
        }
        return fanOut.list(tenant, authorization);
    }

    @POST
    @Path("/repair")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Re-drive documents", description = "Re-publishes each document's newest accepted record from "
            + "kb.doc-log (else kb.doc-changes), marked bulk and freshrag.repair, so every chunk of it is written again; each "
            + "document by the instance holding its state (scope=local: this instance, for documents it holds).")
    public RepairDriver.Result repair(List<DocumentRef> documents, @QueryParam("scope") String scope,
                                      @HeaderParam("Authorization") String authorization) {
        StateScope s = scope(scope);
        if (documents == null || documents.isEmpty()) {
            throw bad("the body must be a JSON array of {\"tenant\", \"docId\"}");
        }
        List<DocumentKey> keys = new ArrayList<>();
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
            keys.add(new DocumentKey(d.tenant(), d.docId()));
        }
        if (s == StateScope.LOCAL) {
            instances.requireRunning();
            return repair.repair(keys);
        }
        return fanOut.repair(keys, authorization);
    }

    private static StateScope scope(String scope) {
        return StateScope.parse(scope).orElseThrow(() -> bad("scope: 'all' (the default) or 'local', not '" + scope + "'"));
    }

    private static ProblemException bad(String detail) {
        return new ProblemException(Problem.of(400, "Bad Request", detail));
    }
}
