package dev.freshrag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.freshrag.launcher.LaunchSpec;
import dev.freshrag.launcher.ProcessLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunningComponentsTest {

    @TempDir
    Path home;

    private Process startMarked(Settings settings, Component c) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessLauncher.javaExecutable(), "-Xmx32m"));
        cmd.addAll(new RunningComponents(settings).markers(c).jvmArgs());
        // the classpath in an @argfile, as the CLI starts the broker: a JVM's arguments as ProcessHandle sees them
        // can come back empty for a command line of many kilobytes
        Path argFile = JavaArgFile.writeClasspath(home.resolve("cp.args"), System.getProperty("java.class.path"));
        cmd.addAll(List.of("@" + argFile, SleepingProcessDouble.class.getName()));
        Path log = home.resolve(c.id() + ".log");
        Process p = ProcessLauncher.start(new LaunchSpec(c.id(), cmd, Map.of(), log, null, true));
        while (!Files.readString(log).contains("started")) {
            assertTrue(p.isAlive(), Files.readString(log));
            Thread.sleep(50);
        }
        return p;
    }

    @Test
    void findsOurProcessByItsMarkersWithoutAPidFileAndWritesOne() throws Exception {
        Settings settings = TestStacks.settings(home);
        Files.createDirectories(settings.runDir());
        Process p = startMarked(settings, Component.EMBED);
        try {
            RunningComponents running = new RunningComponents(settings);
            assertEquals(p.pid(), running.find(Component.EMBED).orElseThrow().pid());
            assertEquals(Long.toString(p.pid()), Files.readString(settings.pidFile(Component.EMBED)).strip());
            assertTrue(running.find(Component.QUERY).isEmpty(), "another component");
            assertTrue(new RunningComponents(TestStacks.settings(home.resolve("other"))).find(Component.EMBED).isEmpty(),
                    "another stack's home");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void aPidFileNamingAProcessWithoutOurMarkersIsStaleAndRemoved() throws Exception {
        Settings settings = TestStacks.settings(home);
        RunningComponents running = new RunningComponents(settings);
        // this JVM is alive but is not the ingest-service of this stack (a reused pid)
        running.writePid(Component.INGEST, ProcessHandle.current().pid());
        assertTrue(running.find(Component.INGEST).isEmpty());
        assertFalse(Files.exists(settings.pidFile(Component.INGEST)));
    }

    @Test
    void downStopsAMarkedProcessAndReportsTheStackClean() throws Exception {
        Settings settings = TestStacks.settings(home);
        Process p = startMarked(settings, Component.QUERY);
        CapturedConsole c = new CapturedConsole();
        try {
            assertTrue(new StackDown(settings, c.console).run(), c.err());
        } finally {
            p.destroyForcibly().waitFor();
        }
        assertTrue(c.out().contains("stopped query-service (pid " + p.pid() + ")"), c.out());
        assertTrue(Files.readString(home.resolve("query-service.log")).contains("started"));
    }
}
