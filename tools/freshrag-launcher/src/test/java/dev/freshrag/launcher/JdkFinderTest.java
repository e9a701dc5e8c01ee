package dev.freshrag.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdkFinderTest {

    @TempDir
    Path jvms;

    @Test
    void keepsTheRunningJdkWhenItIsNewEnough() throws IOException {
        Path running = fakeJdk("running", "21.0.5");
        fakeJdk("newer", "25.0.1");

        assertEquals(Optional.of(running), JdkFinder.find(21, running, null, jvms.resolve("absent"), jvms));
    }

    @Test
    void aTooOldRunningJdkLooksInJavaHomeFirst() throws IOException {
        Path old = fakeJdk("java-17", "17.0.13");
        Path home = fakeJdk("home", "22.0.2");
        fakeJdk("newer", "25.0.1");

        assertEquals(Optional.of(home), JdkFinder.find(17, old, home.toString(), jvms.resolve("absent"), jvms));
    }

    @Test
    void aTooOldJavaHomeIsPassedOverForThePreferredJdk() throws IOException {
        Path old = fakeJdk("java-17", "17.0.13");
        Path preferred = fakeJdk("temurin-25", "25.0.1");
        fakeJdk("java-21", "21.0.5");

        assertEquals(Optional.of(preferred), JdkFinder.find(17, old, old.toString(), preferred, jvms));
    }

    @Test
    void withoutThePreferredJdkTheNewestJdk21OrLaterIsTaken() throws IOException {
        Path old = fakeJdk("java-17", "17.0.13");
        fakeJdk("java-21", "21.0.5");
        Path newest = fakeJdk("java-24", "24");
        fakeJdk("java-8", "1.8.0_412");

        assertEquals(Optional.of(newest), JdkFinder.find(17, old, null, jvms.resolve("absent"), jvms));
    }

    @Test
    void findsNothingWhenEveryJdkIsOlderThan21() throws IOException {
        Path old = fakeJdk("java-17", "17.0.13");
        fakeJdk("java-11", "11.0.25");
        Files.createDirectories(jvms.resolve("not-a-jdk"));

        assertEquals(Optional.empty(), JdkFinder.find(17, old, old.toString(), jvms.resolve("absent"), jvms));
    }

    @Test
    void readsTheFeatureReleaseFromTheReleaseFile() throws IOException {
        assertEquals(Optional.of(25), JdkFinder.major(fakeJdk("a", "25.0.1")));
        assertEquals(Optional.of(8), JdkFinder.major(fakeJdk("b", "1.8.0_412")));
        assertEquals(Optional.empty(), JdkFinder.major(jvms.resolve("none")));
    }

    @Test
    void theRunningJdkOfThisBuildIsUsable() {
        // the build runs on a JDK 21+ (it compiles with --release 21), so the children of a test run on it
        assertEquals(Path.of(System.getProperty("java.home"), "bin", "java").toString(), ProcessLauncher.javaExecutable());
    }

    private Path fakeJdk(String name, String version) throws IOException {
        Path home = jvms.resolve(name);
        Path java = home.resolve("bin/java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "#!/bin/sh\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }
}
