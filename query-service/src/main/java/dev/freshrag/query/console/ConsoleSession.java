package dev.freshrag.query.console;

import java.util.List;

/**
 * What the presented key is, and so which console pages it may use. The console draws only these pages; the
 * API-key filter enforces the same rules on every fragment it loads, so a hidden page is also a refused one.
 *
 * @param tenant the key's tenant, null for an operator key (bound to no tenant)
 * @param role   reader, writer, admin or operator
 * @param pages  overview, documents, playground, tenant-config, dead-letters: the ones this key may use
 */
public record ConsoleSession(String tenant, String role, List<String> pages) {

    static ConsoleSession of(String tenant, String role) {
        List<String> pages = switch (role) {
            case "operator" -> List.of("overview", "dead-letters");
            case "admin" -> List.of("overview", "documents", "playground", "tenant-config");
            default -> List.of("overview", "documents", "playground");
        };
        return new ConsoleSession(tenant, role, pages);
    }

    /** Security off (dev mode, in-JVM tests): every page, for the configured tenant. */
    static ConsoleSession unsecured(String tenant) {
        return new ConsoleSession(tenant, "admin", List.of("overview", "documents", "playground", "tenant-config", "dead-letters"));
    }
}
