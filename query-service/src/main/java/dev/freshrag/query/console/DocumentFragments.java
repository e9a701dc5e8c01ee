package dev.freshrag.query.console;

import dev.freshrag.events.DocumentChangeValidator;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.index.VectorIndexReader;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.DefaultValue;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The Documents page: the tenant's documents by docId prefix, and a document's chunks as indexed. */
@Path("/v1/tenants/{tenant}/console")
@Tag(name = "console")
public class DocumentFragments {

    /** Most documents one listing shows; narrow the prefix for more. */
    static final int LIMIT = 100;

    private final VectorIndexReader index;

    public DocumentFragments(VectorIndexReader index) {
        this.index = index;
    }

    @GET
    @Blocking // reads the index or calls other services: never on the event loop
    @Path("/documents")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Console: the tenant's documents whose docId starts with a prefix (HTML fragment)")
    public TemplateInstance documents(@PathParam("tenant") String tenant, @QueryParam("prefix") @DefaultValue("") String prefix) {
        requireTenant(tenant);
        List<ConsoleTemplates.DocumentRow> rows = index.documents(tenant, prefix, LIMIT).stream()
                .map(ConsoleTemplates.DocumentRow::of).toList();
        return ConsoleTemplates.documents(prefix, rows, LIMIT);
    }

    @GET
    @Blocking // reads the index or calls other services: never on the event loop
    @Path("/chunks")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Console: a document's chunks as indexed (HTML fragment)")
    public TemplateInstance chunks(@PathParam("tenant") String tenant, @QueryParam("docId") String docId) {
        requireTenant(tenant);
        DocumentChangeValidator.validateDocId(docId).ifPresent(v -> {
            throw new InvalidEventException(List.of(v));
        });
        return ConsoleTemplates.chunks(docId, index.chunks(tenant, docId));
    }

    static void requireTenant(String tenant) {
        DocumentChangeValidator.validateTenant(tenant).ifPresent(v -> {
            throw new InvalidEventException(List.of(v));
        });
    }
}
