package dev.freshrag.query.console;

import dev.freshrag.http.Problem;
import dev.freshrag.security.ApiKey;
import dev.freshrag.security.ApiKeyStore;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The console's page and its sign-in. The page itself holds no data (it is served without a key); the key the
 * user types stays in the browser's sessionStorage and every fragment is loaded with it as a Bearer header, under
 * {@code /v1}, where the API-key filter checks it like any API call.
 */
@Path("/console")
@Tag(name = "console")
public class ConsolePage {

    private static final String BEARER = "Bearer ";

    private final ApiKeyStore keys;
    private final ConsoleConfig config;

    public ConsolePage(ApiKeyStore keys, ConsoleConfig config) {
        this.keys = keys;
        this.config = config;
    }

    @GET
    @Blocking // reads the index or calls other services: never on the event loop
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "The web console (sign in with an API key)")
    public TemplateInstance page() {
        return ConsoleTemplates.page(PlaygroundFragments.SEARCH_OPTIONS);
    }

    /**
     * Who the presented key is: its tenant, role and the pages it may use. Outside {@code /v1} because an
     * operator key, refused on every tenant path, must be able to ask too; it answers nothing but the key's own
     * record, and 401 for no or an unknown key.
     */
    @GET
    @Blocking // reads the index or calls other services: never on the event loop
    @Path("/session")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The presented key's tenant, role and console pages; 401 without a known key")
    public Response session(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        if (!keys.enabled()) {
            return Response.ok(ConsoleSession.unsecured(config.tenantWithoutKeys())).build();
        }
        Optional<ApiKey> key = Optional.empty();
        if (authorization != null && authorization.length() <= 512
                && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            key = keys.lookup(authorization.substring(BEARER.length()).strip());
        }
        if (key.isEmpty()) {
            return Response.status(401).type(Problem.MEDIA_TYPE)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"freshrag\"")
                    .entity(Problem.of(401, "Unauthorized", authorization == null ? "send 'Authorization: Bearer <key>'" : "unknown API key"))
                    .build();
        }
        String tenant = dev.freshrag.security.KeysFile.NO_TENANT.equals(key.get().tenant()) ? null : key.get().tenant();
        return Response.ok(ConsoleSession.of(tenant, key.get().role().label())).build();
    }
}
