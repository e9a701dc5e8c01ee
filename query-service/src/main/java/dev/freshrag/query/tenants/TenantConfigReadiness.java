package dev.freshrag.query.tenants;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready until every tenant configuration that existed at start has been read. */
@Readiness
@ApplicationScoped
public class TenantConfigReadiness implements HealthCheck {

    private final TenantConfigStore store;

    public TenantConfigReadiness(TenantConfigStore store) {
        this.store = store;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("tenant-config")
                .status(store.isCaughtUp())
                .withData("topic", store.topic())
                .withData("state", store.state())
                .withData("tenants", store.size())
                .build();
    }
}
