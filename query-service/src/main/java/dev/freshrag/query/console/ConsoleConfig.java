package dev.freshrag.query.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code freshrag.console.*}: the web console at {@code /console}. The overview collects the other services'
 * health and metrics over HTTP, so it needs their URLs; the defaults are the local stack's ({@code ./freshrag up}).
 */
@ConfigMapping(prefix = "freshrag.console")
public interface ConsoleConfig {

    /*
     * No defaults for the addresses below: a localhost default would silently point a deployed console at nothing
     * (the deploy tests refuse such defaults). ./freshrag up sets all three from its ports; unset, the overview shows
     * the service as "not configured" and the dead-letter page says which key to set.
     */

    /** Base URL of the ingest-service's API: the dead-letter API (/v1/operator/dlq), e.g. http://127.0.0.1:8081. */
    Optional<String> ingestUrl();

    /** Base URL of the ingest-service's management interface (its /q/health and /q/metrics), e.g. http://127.0.0.1:9081. */
    Optional<String> ingestManagementUrl();

    /** Base URL of the embed-service's management interface (/q/health, /q/metrics: freshness, throughput), e.g. :9082. */
    Optional<String> embedManagementUrl();

    /** How long one call to another service (or the broker, for lag) may take before it is shown as unreachable. */
    @WithDefault("PT2S")
    Duration callTimeout();

    /** Freshness p50/p99 at each point of the chart are over the observations of this window before it. */
    @WithDefault("PT1M")
    Duration freshnessWindow();

    /** How far back the freshness chart reaches (samples older than this are dropped). */
    @WithDefault("PT10M")
    Duration history();

    /** Consumer groups whose lag the overview shows, per topic and partition (the ingest topology and both embed lanes). */
    @WithDefault("freshrag-ingest,freshrag-embed,freshrag-embed-bulk")
    List<String> consumerGroups();

    /**
     * With {@code freshrag.security.enabled=false} there is no key to tell the tenant: the console then works as an
     * admin and operator of this tenant (dev mode and the in-JVM tests only).
     */
    @WithDefault("acme")
    String tenantWithoutKeys();
}
