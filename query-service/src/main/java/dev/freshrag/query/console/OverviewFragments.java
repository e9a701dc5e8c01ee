package dev.freshrag.query.console;

import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The overview fragment, polled by the console. It shows no tenant's data (health, lag, counters), so every key may
 * see it: tenant keys under {@code /v1/console}, operator keys (refused on every non-operator path) under
 * {@code /v1/operator/console}.
 */
@Path("/v1")
@Tag(name = "console")
public class OverviewFragments {

    private final ConsoleOverview overview;

    public OverviewFragments(ConsoleOverview overview) {
        this.overview = overview;
    }

    @GET
    @Blocking // reads the index or calls other services: never on the event loop
    @Path("/console/overview")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Console: services, lag, freshness (HTML fragment; any tenant key)")
    public TemplateInstance forTenantKey() {
        return ConsoleTemplates.overview(overview.collect());
    }

    @GET
    @Blocking // reads the index or calls other services: never on the event loop
    @Path("/operator/console/overview")
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "Console: services, lag, freshness (HTML fragment; operator key)")
    public TemplateInstance forOperatorKey() {
        return ConsoleTemplates.overview(overview.collect());
    }
}
