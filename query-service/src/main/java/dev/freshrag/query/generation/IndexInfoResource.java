package dev.freshrag.query.generation;

import dev.freshrag.events.DocumentChangeValidator;
import dev.freshrag.events.InvalidEventException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Which index generation, model and chunking serve a tenant's searches (a reader key may ask). */
@Path("/v1/tenants/{tenant}/index")
@Tag(name = "index")
public class IndexInfoResource {

    /**
     * Answer body. {@code chunkMaxTokens} is null where the store records no chunking (an index from before
     * generations; on Qdrant, the first collection until a reindex has recorded its generation).
     */
    public record IndexView(String tenant, String generation, String model, int dimension, Integer chunkMaxTokens,
                            String state) {
    }

    private final ServingGenerations sets;

    public IndexInfoResource(ServingGenerations sets) {
        this.sets = sets;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The index generation, embedding model and chunking that serve this tenant's searches")
    public IndexView get(@PathParam("tenant") String tenant) {
        DocumentChangeValidator.validateTenant(tenant).ifPresent(v -> {
            throw new InvalidEventException(List.of(v));
        });
        ServedGeneration served = sets.served();
        return new IndexView(tenant, served.id(), served.model(), served.dimension(), served.chunkMaxTokens(),
                served.state());
    }
}
