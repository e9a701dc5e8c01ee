package dev.freshrag.query.tenants;

import dev.freshrag.events.DocumentChangeValidator;
import dev.freshrag.events.InvalidEventException;
import dev.freshrag.events.Violation;
import dev.freshrag.http.Problem;
import dev.freshrag.http.ProblemException;
import dev.freshrag.query.config.QueryConfig;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * Per-tenant configuration: LoRA adapter, prompt template, default topK. Written to the compacted topic
 * and answered from this replica's view of it.
 */
@Path("/v1/admin/tenants/{tenant}")
@Tag(name = "admin")
public class TenantConfigResource {

    private static final Logger LOG = Logger.getLogger(TenantConfigResource.class);

    private final TenantConfigStore store;
    private final QueryConfig config;
    private final TenantConfigValidator validator;

    public TenantConfigResource(TenantConfigStore store, QueryConfig config) {
        this.store = store;
        this.config = config;
        this.validator = TenantConfigProducer.validator(config);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The tenant's configuration as this replica knows it; 404 when it has none")
    public TenantConfig get(@PathParam("tenant") String tenant) {
        requireTenant(tenant);
        return store.get(tenant).map(TenantConfigStore.Stored::config)
                .orElseThrow(() -> new ProblemException(Problem.of(404, "Not Found", "tenant " + tenant + " has no configuration")));
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace the tenant's configuration. 200 once this replica reflects it, 202 when the write "
            + "is acknowledged but not yet reflected here within freshrag.tenant-config.write-wait")
    public Response put(@PathParam("tenant") String tenant, byte[] body) {
        requireTenant(tenant);
        TenantConfigBody b = TenantConfigJson.readBody(body);
        List<Violation> v = validator.validate(tenant, b);
        if (!v.isEmpty()) {
            throw new InvalidEventException(v);
        }
        TenantConfig value = new TenantConfig(tenant, b.adapter(), b.promptTemplate(), b.topK(),
                Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        boolean visible = writeAndWait(tenant, value);
        return Response.status(visible ? 200 : 202).type(MediaType.APPLICATION_JSON).entity(value).build();
    }

    @DELETE
    @Operation(summary = "Delete the tenant's configuration (a tombstone on the topic); 204, also when there was none")
    public Response delete(@PathParam("tenant") String tenant) {
        requireTenant(tenant);
        boolean visible = writeAndWait(tenant, null);
        return Response.status(visible ? 204 : 202).build();
    }

    private boolean writeAndWait(String tenant, TenantConfig value) {
        TenantConfigStore.Written w;
        try {
            w = store.write(tenant, value, config.tenantConfig().sendTimeout());
        } catch (TimeoutException e) {
            throw new ProblemException(Problem.of(503, "Service Unavailable",
                    "the broker did not acknowledge the write within " + config.tenantConfig().sendTimeout() + "; retry"),
                    Map.of("Retry-After", "5"));
        } catch (ExecutionException e) {
            LOG.warnf("writing the configuration of tenant %s failed: %s", tenant, e.getCause());
            throw new ProblemException(Problem.of(503, "Service Unavailable", "the configuration could not be written; retry"),
                    Map.of("Retry-After", "5"));
        }
        return store.awaitApplied(w.partition(), w.offset(), config.tenantConfig().writeWait());
    }

    private static void requireTenant(String tenant) {
        DocumentChangeValidator.validateTenant(tenant).ifPresent(v -> {
            throw new InvalidEventException(List.of(v));
        });
    }
}
