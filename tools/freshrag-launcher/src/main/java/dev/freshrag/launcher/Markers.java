package dev.freshrag.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The two system properties every process of a local stack carries on its command line: the stack's data
 * directory and the component's name. They identify a process as ours even when its pid file is gone or
 * the pid was reused by something else. Not under {@code freshrag.} or {@code quarkus.}: the services
 * validate those namespaces and refuse unknown properties in them.
 */
public record Markers(Path home, String component) {

    static final String HOME_PROPERTY = "launcher.freshrag.home";
    static final String COMPONENT_PROPERTY = "launcher.freshrag.component";

    public Markers {
        home = home.toAbsolutePath().normalize();
    }

    /** JVM options to put on the process's own command line (not in an @argfile: those are not visible). */
    public List<String> jvmArgs() {
        return List.of(homeArg(home), "-D" + COMPONENT_PROPERTY + "=" + component);
    }

    /** Whether the process is a JVM that carries both markers. */
    public boolean matches(ProcessHandle process) {
        List<String> args = arguments(process);
        return isJava(process) && args.contains(homeArg(home)) && args.contains("-D" + COMPONENT_PROPERTY + "=" + component);
    }

    /** The running process of this component, if any. */
    public Optional<ProcessHandle> find() {
        return ProcessHandle.allProcesses().filter(this::matches).findFirst();
    }

    /** Every running JVM that carries the home marker of {@code home}, whatever its component. */
    public static List<ProcessHandle> findAll(Path home) {
        String marker = homeArg(home.toAbsolutePath().normalize());
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self && isJava(p) && arguments(p).contains(marker))
                .toList();
    }

    private static String homeArg(Path home) {
        return "-D" + HOME_PROPERTY + "=" + home;
    }

    // A shell that is about to exec java carries the same words; only the JVM itself counts.
    private static boolean isJava(ProcessHandle p) {
        return p.info().command().map(c -> Path.of(c).getFileName().toString().equals("java")).orElse(false);
    }

    private static List<String> arguments(ProcessHandle p) {
        return p.info().arguments().map(List::of).orElse(List.of());
    }

}
