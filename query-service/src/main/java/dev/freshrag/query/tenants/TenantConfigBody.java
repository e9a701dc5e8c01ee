package dev.freshrag.query.tenants;

/** Body of {@code PUT /v1/admin/tenants/{tenant}}: the whole configuration (absent fields are cleared). */
public record TenantConfigBody(AdapterRef adapter, String promptTemplate, Integer topK) {
}
