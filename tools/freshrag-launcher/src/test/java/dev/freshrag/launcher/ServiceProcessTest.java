package dev.freshrag.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceProcessTest {

    private static ServiceProcess.Builder fake(String mode) throws Exception {
        Path classes = Path.of(FakeService.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return ServiceProcess.forCommand("fake-" + mode,
                        List.of(ProcessLauncher.javaExecutable(), "-Xmx32m", "-cp", classes.toString(), FakeService.class.getName()))
                .env("FAKE_MODE", mode)
                .readyTimeout(Duration.ofSeconds(30));
    }

    private static String get(ServiceProcess p, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(p.uri(path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void waitsForReadinessPassesEnvAndStopsGracefully() throws Exception {
        ServiceProcess p = fake("ok").env("FAKE_READY_AFTER_MS", "1500").env("SOME_VAR", "hello").start();
        try {
            assertTrue(p.isAlive());
            assertEquals("hello", get(p, "/env/SOME_VAR"));
            assertEquals(Integer.toString(p.port()), get(p, "/env/QUARKUS_HTTP_PORT"));
        } finally {
            p.stop(Duration.ofSeconds(10));
        }
        assertFalse(p.isAlive());
        assertTrue(Files.readString(p.logFile()).contains("graceful shutdown"), p.logTail(20));
    }

    @Test
    void killIsACrashAndRestartReusesThePort() throws Exception {
        ServiceProcess p = fake("ok").start();
        int port = p.port();
        long pid = p.pid();
        p.kill();
        assertFalse(p.isAlive());
        assertFalse(Files.readString(p.logFile()).contains("graceful shutdown"));
        ServiceProcess again = p.restart();
        try {
            assertEquals(port, again.port());
            assertNotEquals(pid, again.pid());
            assertNotEquals(p.logFile(), again.logFile());
            assertEquals("hello", get(again, "/env/FAKE_MODE").equals("ok") ? "hello" : "no");
        } finally {
            again.stop();
        }
    }

    @Test
    void reportsAProcessThatDiesWithItsLogTail() throws Exception {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> fake("die").start());
        assertTrue(e.getMessage().contains("exited with code 3"), e.getMessage());
        assertTrue(e.getMessage().contains("boom: cannot start"), e.getMessage());
    }

    @Test
    void timesOutKillsAndReports() throws Exception {
        ServiceProcess p = fake("never").launch();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.awaitReady(Duration.ofSeconds(3)));
        assertTrue(e.getMessage().contains("not ready within"), e.getMessage());
        assertTrue(e.getMessage().contains("503"), e.getMessage());
        assertTrue(e.getMessage().contains("listening"), e.getMessage());
        assertFalse(p.isAlive());
    }

    @Test
    void missingJarIsAClearError() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ServiceProcess.forModule("no-such-service").start());
        assertTrue(e.getMessage().contains("quarkus-run.jar does not exist"), e.getMessage());
    }

    @Test
    void freePortsAreDistinct() {
        assertNotEquals(FreePorts.next(), FreePorts.next());
    }

    @Test
    void findsTheRepositoryRoot() {
        assertTrue(Files.isDirectory(RepoRoot.find().resolve("ingest-service")));
    }
}
