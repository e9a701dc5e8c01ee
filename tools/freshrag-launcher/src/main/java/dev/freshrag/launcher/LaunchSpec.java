package dev.freshrag.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One process to launch.
 *
 * @param name             for messages and the log's start line
 * @param command          the program and its arguments
 * @param env              added to (and overriding) the launcher's own environment
 * @param logFile          stdout and stderr are appended here
 * @param workingDirectory null: the launcher's
 * @param detached         whether it must outlive the launcher's terminal: it then ignores SIGINT and
 *                         SIGHUP, so that Ctrl-C in the launcher's terminal or closing that terminal does
 *                         not reach it; the launcher stops it with SIGTERM in its own order
 */
public record LaunchSpec(String name, List<String> command, Map<String, String> env, Path logFile,
                         Path workingDirectory, boolean detached) {

    public LaunchSpec {
        command = List.copyOf(command);
        env = Map.copyOf(env);
        logFile = logFile.toAbsolutePath();
    }
}
