package dev.freshrag.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Everything the checks read from the code, loaded once. */
final class Code {

    private static Code instance;

    final Path root;
    final List<ServiceModule> services;
    /** The tag Jib gives the images: the root pom's freshrag.image.tag, else the project version. */
    final String imageTag;
    final String deployReadme;

    /** The release of the build's version: the tag prod's images carry. */
    String releaseTag() {
        return imageTag.replace("-SNAPSHOT", "");
    }

    private Code(Path root) {
        this.root = root;
        this.services = ServiceModule.discover(root);
        String pom = ServiceModule.read(root.resolve("pom.xml"));
        String version = firstMatch(pom.replaceAll("(?s)<parent>.*?</parent>", "").replaceAll("(?s)<dependencies>.*", ""),
                "<version>([^<]+)</version>").orElseThrow();
        this.imageTag = firstMatch(pom, "<freshrag\\.image\\.tag>([^<]+)</freshrag\\.image\\.tag>")
                .map(t -> t.replace("${project.version}", version)).orElse(version);
        Path readme = root.resolve("deploy/README.md");
        this.deployReadme = readme.toFile().isFile() ? ServiceModule.read(readme) : "";
    }

    static synchronized Code get() {
        if (instance == null) {
            instance = new Code(RepoRoot.get());
        }
        return instance;
    }

    Optional<ServiceModule> service(String name) {
        return services.stream().filter(s -> s.name.equals(name)).findFirst();
    }

    private static Optional<String> firstMatch(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Optional.of(m.group(1).trim()) : Optional.empty();
    }
}
