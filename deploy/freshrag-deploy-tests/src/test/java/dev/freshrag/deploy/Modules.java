package dev.freshrag.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The modules of the root pom, by artifactId, wherever their folders are (the root, {@code libs/},
 * {@code tools/}, {@code testing/}, {@code deploy/}). The checks find a service's libraries through this map,
 * never by guessing a folder from an artifactId: a module that moved must not silently drop out of the checks,
 * so a listed module without a pom, or a FreshRAG dependency that is no module, is an error.
 */
final class Modules {

    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
    private static final Pattern ARTIFACT_ID = Pattern.compile("<artifactId>([^<]+)</artifactId>");

    private final Map<String, Path> byArtifactId;

    private Modules(Map<String, Path> byArtifactId) {
        this.byArtifactId = byArtifactId;
    }

    static Modules of(Path root) {
        Map<String, Path> out = new LinkedHashMap<>();
        Matcher m = MODULE.matcher(ServiceModule.read(root.resolve("pom.xml")));
        while (m.find()) {
            Path dir = root.resolve(m.group(1).trim()).normalize();
            Path pom = dir.resolve("pom.xml");
            if (!Files.isRegularFile(pom)) {
                throw new IllegalStateException("the root pom lists module " + m.group(1) + " but " + pom + " does not exist");
            }
            out.put(artifactId(ServiceModule.read(pom)), dir);
        }
        return new Modules(out);
    }

    /** The module's own artifactId: the first one outside the parent block. */
    static String artifactId(String pom) {
        Matcher a = ARTIFACT_ID.matcher(pom.replaceAll("(?s)<parent>.*?</parent>", ""));
        if (!a.find()) {
            throw new IllegalStateException("a pom without an artifactId");
        }
        return a.group(1).trim();
    }

    /** The folder of a FreshRAG module; fails for an artifactId the root pom does not build. */
    Path dir(String artifactId) {
        Path dir = byArtifactId.get(artifactId);
        if (dir == null) {
            throw new IllegalStateException(artifactId + " is not a module of the root pom (modules: " + byArtifactId.keySet() + ")");
        }
        return dir;
    }

    Collection<Path> dirs() {
        return byArtifactId.values();
    }

    Map<String, Path> asMap() {
        return byArtifactId;
    }
}
