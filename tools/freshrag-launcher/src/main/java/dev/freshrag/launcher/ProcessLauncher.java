package dev.freshrag.launcher;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Starts processes with their output appended to a log file, one start line per launch. */
public final class ProcessLauncher {

    /** Every launch writes a line starting like this, so a log tail can begin at the last start. */
    public static final String START_LINE_PREFIX = "=== freshrag: starting ";

    // POSIX sh: ignored signals stay ignored across exec, and a JVM does not install handlers for ignored
    // SIGINT/SIGHUP (as with nohup), so the JVM keeps the pid of this shell and runs its shutdown hooks
    // only on SIGTERM.
    private static final String SHIELD = "trap '' INT HUP; exec \"$@\"";

    private ProcessLauncher() {
    }

    public static Process start(LaunchSpec spec) throws IOException {
        Files.createDirectories(spec.logFile().getParent());
        Files.writeString(spec.logFile(), START_LINE_PREFIX + spec.name() + " at "
                        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")) + " ===\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        List<String> command = new ArrayList<>();
        if (spec.detached()) {
            command.addAll(List.of("/bin/sh", "-c", SHIELD, "sh"));
        }
        command.addAll(spec.command());
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (spec.workingDirectory() != null) {
            pb.directory(spec.workingDirectory().toFile());
        }
        pb.environment().putAll(spec.env());
        return pb.start();
    }

    /**
     * The java of the running JVM, so that children run on the same JDK, when it is Java 21 or newer; else a JDK 21+
     * found on the machine ({@link JdkFinder}).
     *
     * @throws IllegalStateException no JDK 21 or newer was found
     */
    public static String javaExecutable() {
        return JdkFinder.javaExecutable();
    }
}
