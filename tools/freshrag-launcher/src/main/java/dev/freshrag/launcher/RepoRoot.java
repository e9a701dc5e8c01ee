package dev.freshrag.launcher;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the FreshRAG repository is, for finding the services' packaged jars. */
public final class RepoRoot {

    private RepoRoot() {
    }

    /**
     * System property {@code freshrag.repo.root}, else the nearest directory at or above the current one that
     * holds {@code pom.xml} and {@code .mvn/}, Maven's marker of a multi-module root (not a module folder
     * name, so that moving modules between folders does not change the answer).
     */
    public static Path find() {
        String explicit = System.getProperty("freshrag.repo.root");
        if (explicit != null) {
            return Path.of(explicit).toAbsolutePath();
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path d = start; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("pom.xml")) && Files.isDirectory(d.resolve(".mvn"))) {
                return d;
            }
        }
        throw new IllegalStateException("no FreshRAG repository at or above " + start + "; set -Dfreshrag.repo.root");
    }

    /** {@code <root>/<module>/target/quarkus-app/quarkus-run.jar}. */
    public static Path serviceJar(Path root, String module) {
        return root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }
}
