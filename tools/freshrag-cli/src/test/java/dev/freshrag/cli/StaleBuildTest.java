package dev.freshrag.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleBuildTest {

    @TempDir
    Path root;

    private Path jar;
    private final Instant built = Instant.parse("2026-11-30T08:00:00Z");

    @BeforeEach
    void aBuiltService() throws Exception {
        write("pom.xml", built.minusSeconds(60));
        write("ingest-service/pom.xml", built.minusSeconds(60));
        write("ingest-service/src/main/java/A.java", built.minusSeconds(60));
        write("ingest-service/src/test/java/ATest.java", built.plusSeconds(60)); // tests do not change the jar
        write("libs/freshrag-events/src/main/java/E.java", built.minusSeconds(60));
        jar = write("ingest-service/target/quarkus-app/quarkus-run.jar", built);
    }

    @Test
    void upToDateWhenEveryInputIsOlderThanTheJar() {
        assertEquals(Optional.empty(), new StaleBuild(root).newerSource("ingest-service", jar));
    }

    @Test
    void aNewerServiceSourceMakesItStale() throws Exception {
        Path changed = write("ingest-service/src/main/java/A.java", built.plusSeconds(1));
        assertEquals(Optional.of(changed), new StaleBuild(root).newerSource("ingest-service", jar));
    }

    @Test
    void aNewerLibrarySourceOrRootPomMakesItStale() throws Exception {
        Path lib = write("libs/freshrag-events/src/main/java/E.java", built.plusSeconds(1));
        assertEquals(Optional.of(lib), new StaleBuild(root).newerSource("ingest-service", jar));
        write("libs/freshrag-events/src/main/java/E.java", built.minusSeconds(1));
        Path pom = write("pom.xml", built.plusSeconds(1));
        assertEquals(Optional.of(pom), new StaleBuild(root).newerSource("ingest-service", jar));
    }

    @Test
    void aMissingJarIsNotStaleButMissing() {
        assertTrue(new StaleBuild(root).newerSource("ingest-service", root.resolve("nope.jar")).isEmpty());
    }

    private Path write(String relative, Instant mtime) throws Exception {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, relative);
        Files.setLastModifiedTime(p, FileTime.from(mtime));
        return p;
    }
}
