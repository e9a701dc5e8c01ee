package dev.freshrag.cli;

import dev.freshrag.launcher.Readiness;
import java.util.List;
import java.util.Optional;

/** What {@code up} prints once everything is ready: URLs, pids, the first keys (once) and two curl lines. */
public final class UpSummary {

    private UpSummary() {
    }

    public static String render(Settings settings, RunningComponents running, Optional<ApiKeys.FirstKeys> keys) {
        String host = urlHost(settings.httpHost());
        StringBuilder sb = new StringBuilder("\nFreshRAG is up. Data: " + settings.home() + " (logs in " + settings.logs() + ")\n");
        for (Component c : List.of(Component.QUERY, Component.INGEST, Component.EMBED, Component.KAFKA)) {
            String where = c.isService() ? Readiness.baseUrl(host, settings.port(c)) : "127.0.0.1:" + settings.port(c);
            sb.append(String.format("  %-16s %-28s pid %s%n", c.id(), where,
                    running.find(c).map(p -> Long.toString(p.pid())).orElse("?")));
        }
        sb.append('\n');
        String writerKey = "<writer key>";
        if (keys.isPresent()) {
            ApiKeys.FirstKeys k = keys.get();
            writerKey = k.writer();
            sb.append("API keys (made now, shown only once; only their hashes are kept in ").append(settings.keysFile()).append("):\n")
                    .append("  writer key for tenant ").append(k.tenant()).append(": ").append(k.writer()).append('\n')
                    .append("  admin key for tenant ").append(k.tenant()).append(":  ").append(k.admin()).append('\n');
        } else {
            sb.append("API keys: hashes in ").append(settings.keysFile()).append("; make one with: ./freshrag keys add ")
                    .append(settings.tenant()).append(" writer\n");
        }
        String ingest = Readiness.baseUrl(host, settings.port(Component.INGEST));
        String query = Readiness.baseUrl(host, settings.port(Component.QUERY));
        String tenant = settings.tenant();
        sb.append("\nAdd a document:\n")
                .append("  curl -X PUT '").append(ingest).append("/v1/tenants/").append(tenant).append("/documents/handbook%2Fleave.md' \\\n")
                .append("       -H \"Authorization: Bearer ").append(writerKey).append("\" -H 'Content-Type: application/json' \\\n")
                .append("       -d '{\"title\":\"Leave policy\",\"contentType\":\"text/markdown\",\"content\":\"# Leave\\nEmployees get 25 days"
                        + " of paid leave per year. Up to 5 unused days carry over to the next year.\",\"metadata\":{\"team\":\"hr\"}}'\n")
                .append("Search it:\n")
                .append("  curl -X POST '").append(query).append("/v1/tenants/").append(tenant).append("/search' \\\n")
                .append("       -H \"Authorization: Bearer ").append(writerKey).append("\" -H 'Content-Type: application/json' \\\n")
                .append("       -d '{\"query\":\"How many vacation days do I get?\",\"topK\":5}'\n");
        return sb.toString();
    }

    // what a user types into curl: "localhost" for loopback and wildcard listeners, else the address
    static String urlHost(String httpHost) {
        String probe = Readiness.probeHost(httpHost);
        return probe.equals("127.0.0.1") || probe.equals("::1") ? "localhost" : probe;
    }
}
