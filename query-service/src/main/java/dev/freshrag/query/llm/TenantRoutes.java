package dev.freshrag.query.llm;

import java.util.HashMap;
import java.util.Map;

/**
 * Which served adapter each tenant's requests use, with the revision of the tenant configuration that named
 * it. Routes only move forward: a change from an older revision than the current route's is ignored.
 */
final class TenantRoutes {

    record Route(String served, long revision) {
    }

    private final Map<String, Route> routes = new HashMap<>();

    synchronized Route get(String tenant) {
        return routes.get(tenant);
    }

    /**
     * Routes the tenant to {@code served} unless its route comes from a newer revision. Returns the served name
     * the tenant was routed to before if that was another one (it may now be unloaded), else null.
     */
    synchronized String switchTo(String tenant, String served, long revision) {
        Route r = routes.get(tenant);
        if (r != null && revision < r.revision()) {
            return null;
        }
        routes.put(tenant, new Route(served, revision));
        return r != null && !r.served().equals(served) ? r.served() : null;
    }

    /** Drops the tenant's route unless it comes from a newer revision. Returns the served name it had, or null. */
    synchronized String drop(String tenant, long revision) {
        Route r = routes.get(tenant);
        if (r == null || revision < r.revision()) {
            return null;
        }
        routes.remove(tenant);
        return r.served();
    }

    /** Whether any tenant routes to the served name. */
    synchronized boolean routesTo(String served) {
        for (Route r : routes.values()) {
            if (r.served().equals(served)) {
                return true;
            }
        }
        return false;
    }
}
