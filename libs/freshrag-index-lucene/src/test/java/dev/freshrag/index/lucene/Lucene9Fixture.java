package dev.freshrag.index.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The index an earlier FreshRAG wrote with Lucene 9 (test resources, {@code /lucene9-index}): every upgrade test starts
 * from a copy of it, because a restart on existing data is where upgrades break.
 */
final class Lucene9Fixture {

    private static final List<String> FILES = List.of("_0.cfe", "_0.cfs", "_0.si", "_1.cfe", "_1.cfs", "_1.si", "segments_3");

    private Lucene9Fixture() {
    }

    /** A fresh copy of the fixture in {@code tmp}/index. */
    static Path copyTo(Path tmp) {
        Path dir = tmp.resolve("index");
        try {
            Files.createDirectories(dir);
            for (String file : FILES) {
                try (InputStream in = Lucene9Fixture.class.getResourceAsStream("/lucene9-index/" + file)) {
                    assertThat(in).as("fixture file %s", file).isNotNull();
                    Files.copy(in, dir.resolve(file));
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return dir;
    }
}
