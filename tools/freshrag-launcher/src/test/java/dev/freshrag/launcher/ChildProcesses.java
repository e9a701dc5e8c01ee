package dev.freshrag.launcher;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Launches {@link ChildProcessDouble} for the launcher's tests and waits until it runs its main. */
final class ChildProcesses {

    private ChildProcesses() {
    }

    static Process start(Path log, List<String> jvmArgs, String mode, boolean detached) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessLauncher.javaExecutable(), "-Xmx32m", "-XX:TieredStopAtLevel=1"));
        cmd.addAll(jvmArgs);
        cmd.addAll(List.of("-cp", classes().toString(), ChildProcessDouble.class.getName(), mode));
        Process p = ProcessLauncher.start(new LaunchSpec("double", cmd, Map.of(), log, null, detached));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(Files.exists(log) && Files.readString(log).contains("started"))) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("the child did not start: " + LogTail.of(log, 20));
            }
            Thread.sleep(50);
        }
        return p;
    }

    private static Path classes() throws URISyntaxException {
        return Path.of(ChildProcessDouble.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
