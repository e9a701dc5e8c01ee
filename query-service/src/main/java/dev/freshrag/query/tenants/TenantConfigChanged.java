package dev.freshrag.query.tenants;

/**
 * Fired (CDI event, on the consumer thread) for every record of the tenant-configuration topic this replica
 * applies, including those read while catching up at start.
 *
 * @param config   the new configuration, null when it was deleted
 * @param revision the record's offset; later records of one tenant have larger revisions
 */
public record TenantConfigChanged(String tenant, TenantConfig config, long revision) {
}
