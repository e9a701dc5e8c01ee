package dev.freshrag.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds modules with the repository's {@code ./mvnw} in the reactor: {@code package}, never {@code install}
 * (this project's snapshots stay out of the local Maven repository).
 */
public final class MavenBuild {

    private final Settings settings;
    private final Console console;

    public MavenBuild(Settings settings, Console console) {
        this.settings = settings;
        this.console = console;
    }

    /** The command for {@code -pl <modules> -am}, with FRESHRAG_MAVEN_ARGS and any extra goals or flags. */
    List<String> command(List<String> artifactIds, List<String> extra) {
        List<String> cmd = new ArrayList<>(List.of(settings.root().resolve("mvnw").toString(), "-q"));
        cmd.addAll(settings.mavenArgs());
        cmd.addAll(List.of("package", "-DskipTests"));
        cmd.addAll(extra);
        cmd.addAll(List.of("-pl", String.join(",", artifactIds.stream().map(a -> ":" + a).toList()), "-am"));
        return cmd;
    }

    public void packageModules(List<String> artifactIds, List<String> extra) {
        List<String> cmd = command(artifactIds, extra);
        console.say("building " + String.join(", ", artifactIds) + " (" + String.join(" ", cmd.subList(1, cmd.size()))
                .replace(settings.root() + "/", "") + "; the first build downloads dependencies and takes a few minutes)...");
        try {
            // the build's output goes straight to the terminal: on failure it is what the user needs to see
            Process p = new ProcessBuilder(cmd).directory(settings.root().toFile()).inheritIO().start();
            int rc = p.waitFor();
            if (rc != 0) {
                throw new CliFailure("the build failed (see above)");
            }
        } catch (IOException e) {
            throw new CliFailure("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted during the build");
        }
    }
}
