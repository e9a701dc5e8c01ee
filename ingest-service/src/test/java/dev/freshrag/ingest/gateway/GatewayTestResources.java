package dev.freshrag.ingest.gateway;

import dev.freshrag.testkit.KafkaBrokerTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * What every Quarkus test of this module runs with: the JVM's in-JVM broker with the standard topics, and no API
 * keys. The keys switch is a resource, not a {@code %test} property, because {@code @QuarkusIntegrationTest} runs the
 * packaged app in the prod profile, where keys are required; the keys themselves are tested end to end.
 */
@QuarkusTestResource(value = KafkaBrokerTestResource.class, restrictToAnnotatedClass = false)
@QuarkusTestResource(value = GatewayTestResources.WithoutApiKeys.class, restrictToAnnotatedClass = false)
public final class GatewayTestResources {

    private GatewayTestResources() {
    }

    public static class WithoutApiKeys implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("freshrag.security.enabled", "false");
        }

        @Override
        public void stop() {
            // nothing was started
        }
    }
}
