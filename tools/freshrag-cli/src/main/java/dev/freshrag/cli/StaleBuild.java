package dev.freshrag.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Whether a service's packaged jar is older than what it is built from: its own main sources and pom, every
 * library's (libs/), and the root pom. Without this check, `up` after a `git pull` would run yesterday's
 * services without a word; with it, `up` rebuilds them. Tests do not count: they do not change the jar.
 */
final class StaleBuild {

    private final Path root;

    StaleBuild(Path root) {
        this.root = root;
    }

    /** A source newer than the jar, if there is one; empty when the jar is up to date (or missing). */
    Optional<Path> newerSource(String module, Path jar) {
        if (!Files.isRegularFile(jar)) {
            return Optional.empty();
        }
        try {
            FileTime built = Files.getLastModifiedTime(jar);
            for (Path input : inputs(module)) {
                Optional<Path> newer = newerThan(input, built);
                if (newer.isPresent()) {
                    return newer;
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Path> inputs(String module) throws IOException {
        List<Path> out = new ArrayList<>(List.of(root.resolve("pom.xml"), root.resolve(module).resolve("pom.xml"),
                root.resolve(module).resolve("src/main")));
        Path libs = root.resolve("libs");
        if (Files.isDirectory(libs)) {
            try (Stream<Path> s = Files.list(libs)) {
                for (Path lib : s.sorted().toList()) {
                    out.add(lib.resolve("pom.xml"));
                    out.add(lib.resolve("src/main"));
                }
            }
        }
        return out;
    }

    private static Optional<Path> newerThan(Path input, FileTime built) throws IOException {
        if (!Files.exists(input)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.walk(input)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                try {
                    return Files.getLastModifiedTime(p).compareTo(built) > 0;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).findFirst();
        }
    }
}
