package dev.freshrag.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessStopperTest {

    @TempDir
    Path dir;

    @Test
    void aGracefulProcessStopsOnTermAndRunsItsShutdownHooks() throws Exception {
        Path log = dir.resolve("graceful.log");
        Process p = ChildProcesses.start(log, List.of(), "graceful", false);
        assertEquals(StopOutcome.TERMINATED, ProcessStopper.stop(p.toHandle(), Duration.ofSeconds(20)));
        assertFalse(p.isAlive());
        assertTrue(LogTail.of(log, 10).contains("graceful shutdown"));
    }

    @Test
    void aProcessStuckInShutdownIsKilledAfterTheGrace() throws Exception {
        Path log = dir.resolve("stubborn.log");
        Process p = ChildProcesses.start(log, List.of(), "stubborn", false);
        try {
            assertEquals(StopOutcome.KILLED, ProcessStopper.stop(p.toHandle(), Duration.ofSeconds(1)));
            assertFalse(p.isAlive());
            assertTrue(LogTail.of(log, 10).contains("graceful shutdown"), "SIGTERM came first");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void stoppingAnExitedProcessSaysSo() throws Exception {
        Process p = ChildProcesses.start(dir.resolve("gone.log"), List.of(), "graceful", false);
        ProcessStopper.kill(p.toHandle());
        assertEquals(StopOutcome.NOT_RUNNING, ProcessStopper.stop(p.toHandle(), Duration.ofSeconds(1)));
    }
}
