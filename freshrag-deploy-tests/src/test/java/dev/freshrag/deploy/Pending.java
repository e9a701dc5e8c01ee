package dev.freshrag.deploy;

import java.util.List;

/**
 * Settings the manifests already pass for features that are being built (their issues are open), so the
 * deployment is complete the day they land. A pending entry lets environment keys with its prefix through
 * the "maps to a real property" check only while the service declares NO property under that prefix: as
 * soon as the feature's first property exists, every key under the prefix is checked strictly, so a
 * guessed name that turns out wrong fails then. An entry that no longer excuses anything can be deleted.
 */
record Pending(String service, String envPrefix, String why) {

    static final List<Pending> ALL = List.of(
            new Pending("ingest-service", "FRESHRAG_SECURITY_", "API keys file, freshrag.security.keys-file (issue 6)"),
            new Pending("query-service", "FRESHRAG_SECURITY_", "API keys file, freshrag.security.keys-file (issue 6)"));

    /** Whether this entry currently excuses ENV for SERVICE. */
    boolean excuses(ServiceModule service, String env) {
        return service.name.equals(this.service) && env.startsWith(envPrefix) && !service.hasPropertyWithEnvPrefix(envPrefix);
    }

    static boolean anyExcuses(ServiceModule service, String env) {
        return ALL.stream().anyMatch(p -> p.excuses(service, env));
    }
}
