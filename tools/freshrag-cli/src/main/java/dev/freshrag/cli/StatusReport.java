package dev.freshrag.cli;

import dev.freshrag.launcher.Readiness;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code ./freshrag status}: one row per component; healthy only when every component is. */
public final class StatusReport {

    /** One component's line. {@code pid} is empty when it does not run. */
    public record Row(Component component, Optional<Long> pid, int port, String state, boolean healthy) {
    }

    private StatusReport() {
    }

    public static List<Row> probe(Settings settings) {
        RunningComponents running = new RunningComponents(settings);
        String serviceHost = Readiness.probeHost(settings.httpHost());
        List<Row> rows = new ArrayList<>();
        for (Component c : Component.values()) {
            int port = settings.port(c);
            String host = c.isService() ? serviceHost : "127.0.0.1";
            Optional<ProcessHandle> p = running.find(c);
            if (p.isEmpty()) {
                String state = Readiness.portOpen(host, port) ? "stopped; port in use by another program" : "stopped";
                rows.add(new Row(c, Optional.empty(), port, state, false));
            } else if (!c.isService()) {
                boolean open = Readiness.portOpen(host, port);
                rows.add(new Row(c, Optional.of(p.get().pid()), port, open ? "healthy" : "starting (port not open)", open));
            } else {
                int status = Readiness.httpStatus(host, settings.managementPort(c), Readiness.READY_PATH);
                String state = status == 200 ? "healthy"
                        : status < 0 ? "not answering on " + Readiness.READY_PATH
                        : "not ready (" + Readiness.READY_PATH + ": HTTP " + status + ")";
                rows.add(new Row(c, Optional.of(p.get().pid()), port, state, status == 200));
            }
        }
        return rows;
    }

    public static String render(List<Row> rows) {
        StringBuilder sb = new StringBuilder(String.format("%-16s %-8s %-6s %s%n", "COMPONENT", "PID", "PORT", "STATE"));
        for (Row r : rows) {
            sb.append(String.format("%-16s %-8s %-6s %s%n", r.component().id(),
                    r.pid().map(String::valueOf).orElse("-"), r.port(), r.state()));
        }
        return sb.toString();
    }

    /** 0 when every component is healthy, else 1. */
    public static int exitCode(List<Row> rows) {
        return rows.stream().allMatch(Row::healthy) ? 0 : 1;
    }
}
