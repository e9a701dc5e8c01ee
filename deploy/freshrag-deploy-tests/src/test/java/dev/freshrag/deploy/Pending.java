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

    /** Nothing is pending now: the API-key settings (issue 6) exist and are checked strictly. */
    static final List<Pending> ALL = List.of();

    /** Whether this entry currently excuses ENV for SERVICE. */
    boolean excuses(ServiceModule service, String env) {
        return service.name.equals(this.service) && env.startsWith(envPrefix) && !service.hasPropertyWithEnvPrefix(envPrefix);
    }

    static boolean anyExcuses(ServiceModule service, String env) {
        return ALL.stream().anyMatch(p -> p.excuses(service, env));
    }
}
