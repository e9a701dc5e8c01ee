package dev.freshrag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.freshrag.launcher.ProcessLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServiceJvmDefaultsTest {

    @Test
    void compactHeadersOnlyWhereTheJdkHasThemAsAProductOption() {
        assertEquals(List.of("-XX:+UseParallelGC"), ServiceJvmDefaults.forJdk(21));
        assertEquals(List.of("-XX:+UseParallelGC"), ServiceJvmDefaults.forJdk(24));
        assertEquals(List.of("-XX:+UseParallelGC", "-XX:+UseCompactObjectHeaders"), ServiceJvmDefaults.forJdk(25));
    }

    @Test
    void extraOptionsComeAfterTheDefaultsAndACollectorOfTheirOwnReplacesTheDefaultOne() {
        assertEquals(List.of("-XX:+UseParallelGC", "-XX:+UseCompactObjectHeaders", "-Xmx1g"),
                ServiceJvmDefaults.withExtra(List.of("-Xmx1g"), 25));
        assertEquals(List.of("-XX:+UseCompactObjectHeaders", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=50"),
                ServiceJvmDefaults.withExtra(List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=50"), 25));
        assertEquals(List.of("-XX:+UseZGC"), ServiceJvmDefaults.withExtra(List.of("-XX:+UseZGC"), 21));
    }

    /** The options are real for the JDK the services run on: a JVM started with them (and with a collector of the user's) runs. */
    @Test
    void theJdkTheServicesRunOnAcceptsThem() throws IOException, InterruptedException {
        int major = Settings.childJdkMajor();
        assertEquals(0, javaVersionWith(ServiceJvmDefaults.forJdk(major)));
        assertEquals(0, javaVersionWith(ServiceJvmDefaults.withExtra(List.of("-XX:+UseSerialGC"), major)));
        // and the JVM does refuse two collectors, which is why a user's replaces the default
        assertEquals(1, javaVersionWith(List.of("-XX:+UseParallelGC", "-XX:+UseSerialGC")));
    }

    private static int javaVersionWith(List<String> opts) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessLauncher.javaExecutable());
        cmd.addAll(opts);
        cmd.add("-version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("java -version did not end: " + cmd);
        }
        if (p.exitValue() != 0) {
            System.out.println(cmd + " -> " + out.strip());
        }
        return p.exitValue();
    }
}
