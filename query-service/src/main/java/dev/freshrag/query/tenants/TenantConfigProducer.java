package dev.freshrag.query.tenants;

import dev.freshrag.query.config.QueryConfig;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Starts this replica's view of the tenant-configuration topic with the service (readiness waits for it). */
@ApplicationScoped
public class TenantConfigProducer {

    @Produces
    @Singleton
    @Startup
    TenantConfigStore store(QueryConfig config,
                            @Identifier("default-kafka-broker") Map<String, Object> kafka,
                            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                            Event<TenantConfigChanged> changes) {
        Map<String, Object> client = new HashMap<>(kafka);
        client.put("bootstrap.servers", bootstrapServers);
        return new TenantConfigStore(config.topics().tenantConfig(), client, validator(config), changes::fire).start();
    }

    void close(@Disposes TenantConfigStore store) {
        store.close();
    }

    static TenantConfigValidator validator(QueryConfig config) {
        return new TenantConfigValidator(config.search().maxTopK(), config.tenantConfig().maxPromptTemplateChars());
    }
}
