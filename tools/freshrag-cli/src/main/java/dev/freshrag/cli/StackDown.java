package dev.freshrag.cli;

import dev.freshrag.launcher.Markers;
import dev.freshrag.launcher.ProcessStopper;
import dev.freshrag.launcher.Readiness;
import dev.freshrag.launcher.StopOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Stops a stack: the services (query, embed, ingest), then the broker, then any process still carrying the
 * stack's marker; then checks that none is left and that no port of the stack is held.
 */
public final class StackDown {

    private final Settings settings;
    private final Console console;
    private final RunningComponents running;

    public StackDown(Settings settings, Console console) {
        this.settings = settings;
        this.console = console;
        this.running = new RunningComponents(settings);
    }

    /** Stops one component if it runs (SIGTERM, SIGKILL after the grace); prints what happened. */
    void stop(Component c, Duration grace) {
        Optional<ProcessHandle> p = running.find(c);
        if (p.isEmpty()) {
            running.forget(c);
            return;
        }
        StopOutcome outcome = ProcessStopper.stop(p.get(), grace);
        if (outcome == StopOutcome.KILLED) {
            console.warn(c.id() + " (pid " + p.get().pid() + ") still running after " + grace.toSeconds() + "s: SIGKILL");
        } else if (outcome == StopOutcome.STILL_RUNNING) {
            console.warn(c.id() + " (pid " + p.get().pid() + ") survived SIGKILL");
        }
        running.forget(c);
        console.say("stopped " + c.id() + " (pid " + p.get().pid() + ")");
    }

    /** Answers whether everything is stopped and every port free; warnings say what is not. */
    public boolean run() {
        for (Component c : Component.STOP_ORDER) {
            stop(c, settings.stopGrace());
        }
        // the broker last, with more time: it flushes its logs and hands over its controller state
        stop(Component.KAFKA, settings.stopGrace().plusSeconds(10));

        List<ProcessHandle> strays = Markers.findAll(settings.home());
        if (!strays.isEmpty()) {
            console.warn("stopping leftover FreshRAG processes: " + pids(strays));
            strays.forEach(p -> ProcessStopper.stop(p, settings.stopGrace()));
        }

        boolean ok = true;
        List<ProcessHandle> left = Markers.findAll(settings.home());
        if (!left.isEmpty()) {
            console.warn("still running: " + pids(left));
            ok = false;
        }
        for (HeldPort held : heldPorts()) {
            console.warn("port " + held.port() + " (" + held.variable() + ") is still in use");
            ok = false;
        }
        return ok;
    }

    /** A port of the stack that something accepts connections on. */
    record HeldPort(int port, String variable) {
    }

    List<HeldPort> heldPorts() {
        List<HeldPort> held = new ArrayList<>();
        String serviceHost = Readiness.probeHost(settings.httpHost());
        for (Component c : Component.values()) {
            String host = c.isService() ? serviceHost : "127.0.0.1";
            if (Readiness.portOpen(host, settings.port(c))) {
                held.add(new HeldPort(settings.port(c), c.portVariable()));
            }
            if (c.isService() && Readiness.portOpen(host, settings.managementPort(c))) {
                held.add(new HeldPort(settings.managementPort(c), c.managementPortVariable()));
            }
        }
        if (Readiness.portOpen("127.0.0.1", settings.controllerPort())) {
            held.add(new HeldPort(settings.controllerPort(), "FRESHRAG_KAFKA_CONTROLLER_PORT"));
        }
        return held;
    }

    private static String pids(List<ProcessHandle> ps) {
        return ps.stream().map(p -> Long.toString(p.pid())).collect(Collectors.joining(" "));
    }
}
