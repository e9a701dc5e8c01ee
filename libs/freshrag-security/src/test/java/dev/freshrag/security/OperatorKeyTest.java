package dev.freshrag.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator role through the real filter and a real keys file: the request context is a small
 * {@link Proxy} that answers only what the filter asks (path, path parameter {@code tenant}, method, header).
 */
class OperatorKeyTest {

    @TempDir
    Path dir;
    private ApiKeyFilter filter;
    private String operator;
    private String admin;

    @BeforeEach
    void keys() throws IOException {
        Path file = dir.resolve("keys");
        operator = KeysFile.append(file, KeysFile.NO_TENANT, Role.OPERATOR);
        admin = KeysFile.append(file, "acme", Role.ADMIN);
        filter = new ApiKeyFilter(new ApiKeyStore(config(file)));
    }

    @Test
    void anOperatorKeyIsRefusedOnEveryTenantAndAdminPath() {
        assertThat(status(operator, "GET", "/v1/tenants/acme/documents/a", "acme")).isEqualTo(403);
        assertThat(status(operator, "POST", "/v1/tenants/acme/search", "acme")).isEqualTo(403);
        assertThat(status(operator, "PUT", "/v1/tenants/acme/documents/a", "acme")).isEqualTo(403);
        assertThat(status(operator, "GET", "/v1/admin/tenants/acme/config", "acme")).isEqualTo(403);
        // even a path with no tenant in it: an operator key is good for /v1/operator and nothing else
        assertThat(status(operator, "GET", "/v1/admin/tenants", null)).isEqualTo(403);
        assertThat(status(operator, "GET", "/v1/status", null)).isEqualTo(403);
    }

    @Test
    void anOperatorKeyIsAcceptedOnOperatorPaths() {
        assertThat(status(operator, "GET", "/v1/operator/dlq", null)).isEqualTo(200);
        assertThat(status(operator, "POST", "/v1/operator/dlq/replay", null)).isEqualTo(200);
    }

    @Test
    void tenantKeysAreRefusedOnOperatorPaths() {
        assertThat(status(admin, "GET", "/v1/operator/dlq", null)).isEqualTo(403);
        assertThat(status(admin, "POST", "/v1/operator/dlq/replay", null)).isEqualTo(403);
        assertThat(status(admin, "GET", "/v1/tenants/acme/documents/a", "acme")).isEqualTo(200);
        assertThat(status("frk_unknown", "GET", "/v1/operator/dlq", null)).isEqualTo(401);
    }

    @Test
    void theKeysFileKeepsOperatorsApartFromTenants() throws IOException {
        Path file = dir.resolve("keys");
        assertThat(Files.readString(file)).contains(" - operator ");
        assertThat(KeysFile.read(file).get(KeysFile.sha256(operator))).extracting(ApiKey::tenant, ApiKey::role)
                .containsExactly(KeysFile.NO_TENANT, Role.OPERATOR);
        assertThatThrownBy(() -> KeysFile.append(file, "acme", Role.OPERATOR)).hasMessageContaining("operator key has the tenant -");
        assertThatThrownBy(() -> KeysFile.append(file, KeysFile.NO_TENANT, Role.ADMIN)).hasMessageContaining("tenant must match");
        Path bad = dir.resolve("bad");
        Files.writeString(bad, KeysFile.sha256("x") + " - admin\n");
        assertThatThrownBy(() -> KeysFile.read(bad)).isInstanceOf(IOException.class);
    }

    @Test
    void noTenantRoleIncludesOperatorAndOperatorIncludesNoTenantRole() {
        for (Role r : new Role[] {Role.READER, Role.WRITER, Role.ADMIN}) {
            assertThat(r.allows(Role.OPERATOR)).isFalse();
            assertThat(Role.OPERATOR.allows(r)).isFalse();
        }
        assertThat(Role.OPERATOR.allows(Role.OPERATOR)).isTrue();
        assertThat(Role.parse("operator")).contains(Role.OPERATOR);
    }

    /** 200 when the filter lets the request through, else the status of its problem. */
    private int status(String key, String method, String path, String tenant) {
        MultivaluedMap<String, String> params = new MultivaluedHashMap<>();
        if (tenant != null) {
            params.putSingle("tenant", tenant);
        }
        UriInfo uri = proxy(UriInfo.class, (name, args) -> switch (name) {
            case "getPath" -> path;
            case "getPathParameters" -> params;
            default -> throw new UnsupportedOperationException(name);
        });
        ContainerRequestContext ctx = proxy(ContainerRequestContext.class, (name, args) -> switch (name) {
            case "getUriInfo" -> uri;
            case "getMethod" -> method;
            case "getHeaderString" -> "Authorization".equalsIgnoreCase((String) args[0]) ? "Bearer " + key : null;
            default -> throw new UnsupportedOperationException(name);
        });
        return filter.authenticate(ctx).map(Response::getStatus).orElse(200);
    }

    private interface Answer {
        Object answer(String method, Object[] args);
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Answer answer) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (p, m, args) -> answer.answer(m.getName(), args));
    }

    private static SecurityConfig config(Path file) {
        return proxy(SecurityConfig.class, (name, args) -> switch (name) {
            case "enabled" -> true;
            case "keysFile" -> Optional.of(file.toString());
            case "reloadInterval" -> Duration.ofSeconds(2);
            default -> throw new UnsupportedOperationException(name);
        });
    }
}
