package dev.freshrag.query.tenants;

import dev.freshrag.events.EventJson;
import dev.freshrag.events.InvalidEventException;

/**
 * JSON of tenant configurations. The PUT body is parsed strictly (unknown fields such as a misspelt
 * {@code "topk"} are refused, types are not coerced); topic values leniently about unknown fields, so that a
 * newer writer may add some.
 */
public final class TenantConfigJson {

    private TenantConfigJson() {
    }

    /** @throws InvalidEventException naming the field */
    public static TenantConfigBody readBody(byte[] json) {
        return EventJson.readClosed(json, TenantConfigBody.class, "adapter{name, source}, promptTemplate, topK");
    }

    /** A topic value; {@link InvalidEventException} when it is not a tenant configuration. */
    public static TenantConfig readStored(byte[] json) {
        return EventJson.read(json, TenantConfig.class);
    }

    public static byte[] write(TenantConfig config) {
        return EventJson.write(config);
    }
}
