package dev.freshrag.query.tenants;

/**
 * One tenant's configuration as stored on the compacted topic (key: tenant, value: this as JSON) and as
 * {@code GET /v1/admin/tenants/{tenant}} answers it. Every field but {@code tenant} may be null: no adapter
 * (base model), the default prompt template, the default topK.
 *
 * @param promptTemplate the prompt, with the placeholders {@code {question}} and {@code {passages}}
 * @param updatedAt      ISO-8601 instant of the PUT
 */
public record TenantConfig(String tenant, AdapterRef adapter, String promptTemplate, Integer topK, String updatedAt) {
}
