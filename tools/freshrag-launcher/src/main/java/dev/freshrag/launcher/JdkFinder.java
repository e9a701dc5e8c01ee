package dev.freshrag.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the JDK that FreshRAG's JVMs run on. The services use Lucene 10, which needs Java 21 or newer; a machine may
 * still have an older default {@code java}, so a launcher running on one looks for a newer JDK before it gives up.
 */
public final class JdkFinder {

    /** The oldest Java feature release FreshRAG runs on. */
    public static final int MIN_MAJOR = 21;

    /**
     * JVM options of a service or benchmark JVM: Lucene's SIMD vector code uses the incubating Vector API; Lucene,
     * ONNX Runtime and gRPC's native transport call restricted native methods, which JDK 24 and later warn about (and a
     * later release will refuse) unless native access is enabled.
     */
    public static final List<String> SERVICE_JVM_ARGS = List.of("--add-modules", "jdk.incubator.vector",
            "--enable-native-access=ALL-UNNAMED");

    /** Preferred when the running JVM is too old: the JDK that machines of this kind carry. */
    static final Path PREFERRED = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    static final Path JVM_DIR = Path.of("/usr/lib/jvm");

    private static final Pattern RELEASE_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"?(1\\.)?(\\d+)");

    private JdkFinder() {
    }

    /**
     * The {@code java} executable for child JVMs: the running JVM's when it is Java 21 or newer (so children run on
     * the same JDK), else {@code $JAVA_HOME}'s, /usr/lib/jvm/temurin-25-jdk-amd64 or the newest JDK 21+ under /usr/lib/jvm.
     *
     * @throws IllegalStateException no JDK 21 or newer was found
     */
    public static String javaExecutable() {
        Path running = Path.of(System.getProperty("java.home"));
        return find(Runtime.version().feature(), running, System.getenv("JAVA_HOME"), PREFERRED, JVM_DIR)
                .map(home -> home.resolve("bin").resolve("java").toString())
                .orElseThrow(() -> new IllegalStateException("FreshRAG needs a JDK " + MIN_MAJOR + " or newer: this JVM is Java "
                        + Runtime.version().feature() + " (" + running + ") and none was found in JAVA_HOME or "
                        + JVM_DIR + "; install one or set JAVA_HOME to it"));
    }

    /** The home of the JDK to run: the running one if new enough, else the first JDK 21+ found in that order. */
    static Optional<Path> find(int runningMajor, Path runningHome, String javaHomeEnv, Path preferred, Path jvmDir) {
        if (runningMajor >= MIN_MAJOR && isExecutable(runningHome)) {
            return Optional.of(runningHome);
        }
        if (javaHomeEnv != null && !javaHomeEnv.isBlank() && isSuitable(Path.of(javaHomeEnv))) {
            return Optional.of(Path.of(javaHomeEnv));
        }
        if (isSuitable(preferred)) {
            return Optional.of(preferred);
        }
        if (!Files.isDirectory(jvmDir)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvmDir)) {
            return homes.filter(JdkFinder::isSuitable)
                    .max(Comparator.comparingInt((Path home) -> major(home).orElse(0)).thenComparing(Path::toString));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The feature release of the JDK at {@code home}, from its {@code release} file. */
    static Optional<Integer> major(Path home) {
        try {
            Matcher m = RELEASE_VERSION.matcher(Files.readString(home.resolve("release")));
            return m.find() ? Optional.of(Integer.parseInt(m.group(2))) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static boolean isSuitable(Path home) {
        return isExecutable(home) && major(home).filter(v -> v >= MIN_MAJOR).isPresent();
    }

    private static boolean isExecutable(Path home) {
        return Files.isExecutable(home.resolve("bin").resolve("java"));
    }
}
