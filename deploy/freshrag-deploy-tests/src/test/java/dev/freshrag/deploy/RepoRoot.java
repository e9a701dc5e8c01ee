package dev.freshrag.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's root directory: the one holding deploy/k8s and the root pom. */
final class RepoRoot {

    private static Path root;

    private RepoRoot() {
    }

    static synchronized Path get() {
        if (root == null) {
            root = locate();
        }
        return root;
    }

    private static Path locate() {
        String explicit = System.getProperty("freshrag.repo.root");
        if (explicit != null && !explicit.isBlank() && isRoot(Path.of(explicit))) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        // surefire runs in the module directory; walk up from there
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (isRoot(p)) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a directory with deploy/k8s and pom.xml) above "
                + Path.of("").toAbsolutePath() + "; set -Dfreshrag.repo.root");
    }

    private static boolean isRoot(Path p) {
        return Files.isDirectory(p.resolve("deploy/k8s")) && Files.isRegularFile(p.resolve("pom.xml"));
    }
}
