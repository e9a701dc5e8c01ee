package dev.freshrag.security;

import dev.freshrag.http.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every {@code /v1} request needs {@code Authorization: Bearer <key>}. The rules, in one place:
 * <ul>
 *   <li>no key, a malformed header or an unknown key: 401;</li>
 *   <li>the {@code {tenant}} in the path must be the key's tenant, else 403 (so the tenant every index
 *       adapter filters by is always the authenticated one);</li>
 *   <li>{@code /v1/operator/**} needs an {@code operator} key, and an operator key is refused everywhere
 *       else (403), tenant paths included: it is bound to no tenant;</li>
 *   <li>{@code /v1/admin/**} needs {@code admin}; PUT, PATCH and DELETE need {@code writer}; everything else
 *       (GET, and POST for search and answer, which only read) needs {@code reader}.</li>
 * </ul>
 * Runs after routing, before the body is read, so a refused request costs no parsing.
 */
public class ApiKeyFilter {

    private static final String BEARER = "Bearer ";

    private final ApiKeyStore store;

    public ApiKeyFilter(ApiKeyStore store) {
        this.store = store;
    }

    @ServerRequestFilter
    public Optional<Response> authenticate(ContainerRequestContext ctx) {
        String path = ctx.getUriInfo().getPath();
        if (!store.enabled() || !(path.startsWith("/v1/") || path.equals("/v1"))) {
            return Optional.empty();
        }
        String header = ctx.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length()) || header.length() > 512) {
            return deny(401, "Unauthorized", "send 'Authorization: Bearer <key>'");
        }
        Optional<ApiKey> key = store.lookup(header.substring(BEARER.length()).strip());
        if (key.isEmpty()) {
            return deny(401, "Unauthorized", "unknown API key");
        }
        String tenant = ctx.getUriInfo().getPathParameters().getFirst("tenant");
        if (tenant != null && !tenant.equals(key.get().tenant())) {
            return deny(403, "Forbidden", "this key is not valid for that tenant");
        }
        Role required = required(path, ctx.getMethod());
        if (!key.get().role().allows(required)) {
            return deny(403, "Forbidden", "this needs a key with role " + required.label() + "; the key has " + key.get().role().label());
        }
        return Optional.empty();
    }

    static Role required(String path, String method) {
        if (path.startsWith("/v1/operator/") || path.equals("/v1/operator")) {
            return Role.OPERATOR;
        }
        if (path.startsWith("/v1/admin/") || path.equals("/v1/admin")) {
            return Role.ADMIN;
        }
        if ("POST".equals(method) && path.endsWith("/documents:bulk")) {
            return Role.WRITER; // the bulk form of PUT and DELETE, with the same rights
        }
        return switch (method) {
            case "PUT", "PATCH", "DELETE" -> Role.WRITER;
            default -> Role.READER;
        };
    }

    private static Optional<Response> deny(int status, String title, String detail) {
        Response.ResponseBuilder b = Response.status(status).type(Problem.MEDIA_TYPE).entity(Problem.of(status, title, detail));
        if (status == 401) {
            b.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"freshrag\"");
        }
        return Optional.of(b.build());
    }
}
