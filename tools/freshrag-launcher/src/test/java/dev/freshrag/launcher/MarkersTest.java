package dev.freshrag.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkersTest {

    @TempDir
    Path dir;

    @Test
    void recognisesARealChildByItsMarkersAndNothingElse() throws Exception {
        Markers kafka = new Markers(dir.resolve("home"), "kafka");
        Process p = ChildProcesses.start(dir.resolve("child.log"), kafka.jvmArgs(), "graceful", false);
        try {
            assertTrue(kafka.matches(p.toHandle()));
            assertEquals(p.pid(), kafka.find().orElseThrow().pid());
            assertFalse(new Markers(dir.resolve("home"), "query-service").matches(p.toHandle()), "other component");
            assertFalse(new Markers(dir.resolve("other-home"), "kafka").matches(p.toHandle()), "other home");
            assertFalse(kafka.matches(ProcessHandle.current()), "this JVM carries no markers");
            assertEquals(List.of(p.pid()), Markers.findAll(dir.resolve("home")).stream().map(ProcessHandle::pid).toList());
            assertTrue(Markers.findAll(dir.resolve("other-home")).isEmpty());
        } finally {
            ProcessStopper.kill(p.toHandle());
        }
        assertTrue(kafka.find().isEmpty(), "gone after the kill");
    }

    @Test
    void theHomeIsComparedNormalised() {
        Markers a = new Markers(dir.resolve("x/../home"), "kafka");
        Markers b = new Markers(dir.resolve("home"), "kafka");
        assertEquals(a.jvmArgs(), b.jvmArgs());
    }

    @Test
    void aDetachedChildIgnoresInterruptAndHangupButStopsOnTerm() throws Exception {
        Process p = ChildProcesses.start(dir.resolve("detached.log"), List.of(), "graceful", true);
        try {
            for (String signal : List.of("-INT", "-HUP")) {
                new ProcessBuilder("kill", signal, Long.toString(p.pid())).inheritIO().start().waitFor();
            }
            // a JVM handling SIGINT would exit at once; give it the time a shutdown would take
            assertFalse(ProcessStopper.awaitExit(p.toHandle(), Duration.ofSeconds(2)), "survived SIGINT and SIGHUP");
            assertEquals(StopOutcome.TERMINATED, ProcessStopper.stop(p.toHandle(), Duration.ofSeconds(20)));
            assertTrue(LogTail.of(dir.resolve("detached.log"), 10).contains("graceful shutdown"));
        } finally {
            p.destroyForcibly();
        }
    }
}
