package dev.freshrag.cli;

import dev.freshrag.launcher.Markers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the running processes of one stack (one FRESHRAG_HOME): by pid file first, checked against the
 * process's markers (a pid can be reused by anything), else by the markers alone (the pid file is then
 * written again). Stale pid files are removed.
 */
public final class RunningComponents {

    private final Settings settings;

    public RunningComponents(Settings settings) {
        this.settings = settings;
    }

    public Markers markers(Component c) {
        return new Markers(settings.home(), c.id());
    }

    public Optional<ProcessHandle> find(Component c) {
        Path pidFile = settings.pidFile(c);
        Markers markers = markers(c);
        Optional<ProcessHandle> byPidFile = readPid(pidFile).flatMap(ProcessHandle::of)
                .filter(p -> p.isAlive() && markers.matches(p));
        if (byPidFile.isPresent()) {
            return byPidFile;
        }
        deleteQuietly(pidFile);
        Optional<ProcessHandle> found = markers.find();
        found.ifPresent(p -> {
            if (Files.isDirectory(settings.runDir())) {
                writePid(c, p.pid());
            }
        });
        return found;
    }

    public void writePid(Component c, long pid) {
        try {
            Files.createDirectories(settings.runDir());
            Files.writeString(settings.pidFile(c), pid + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliFailure("cannot write " + settings.pidFile(c) + ": " + e.getMessage(), e);
        }
    }

    public void forget(Component c) {
        deleteQuietly(settings.pidFile(c));
    }

    private static Optional<Long> readPid(Path file) {
        try {
            return Optional.of(Long.parseLong(Files.readString(file, StandardCharsets.UTF_8).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // a pid file we cannot delete is only stale information; the markers decide
        }
    }
}
