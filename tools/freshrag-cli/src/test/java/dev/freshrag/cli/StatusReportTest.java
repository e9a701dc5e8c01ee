package dev.freshrag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatusReportTest {

    @TempDir
    Path home;

    @Test
    void nothingRunningIsAllStoppedAndUnhealthy() {
        List<StatusReport.Row> rows = StatusReport.probe(TestStacks.settings(home));
        assertEquals(4, rows.size());
        assertTrue(rows.stream().allMatch(r -> r.state().equals("stopped") && r.pid().isEmpty()), rows.toString());
        assertEquals(1, StatusReport.exitCode(rows));
    }

    @Test
    void aPortHeldByAnotherProgramIsReported() throws Exception {
        Settings settings = TestStacks.settings(home);
        try (ServerSocket squatter = new ServerSocket(settings.port(Component.EMBED), 1, InetAddress.getLoopbackAddress())) {
            StatusReport.Row embed = StatusReport.probe(settings).get(Component.EMBED.ordinal());
            assertEquals("stopped; port in use by another program", embed.state());
        }
    }

    @Test
    void theTableHasAHeaderAndOneLinePerComponent() {
        List<StatusReport.Row> rows = List.of(
                new StatusReport.Row(Component.KAFKA, Optional.of(4242L), 9092, "healthy", true),
                new StatusReport.Row(Component.INGEST, Optional.empty(), 8081, "stopped", false));
        assertEquals("""
                COMPONENT        PID      PORT   STATE
                kafka            4242     9092   healthy
                ingest-service   -        8081   stopped
                """, StatusReport.render(rows).replace(System.lineSeparator(), "\n"));
    }

    @Test
    void exitCodeIsZeroOnlyWhenEveryComponentIsHealthy() {
        StatusReport.Row up = new StatusReport.Row(Component.KAFKA, Optional.of(1L), 9092, "healthy", true);
        StatusReport.Row down = new StatusReport.Row(Component.QUERY, Optional.of(2L), 8080, "not ready", false);
        assertEquals(0, StatusReport.exitCode(List.of(up, up)));
        assertEquals(1, StatusReport.exitCode(List.of(up, down)));
    }
}
