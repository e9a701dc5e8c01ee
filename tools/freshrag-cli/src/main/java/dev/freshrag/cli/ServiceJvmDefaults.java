package dev.freshrag.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The JVM options of the local stack's services ({@code FRESHRAG_JAVA_OPTS} unset) and of a benchmark's own JVM
 * ({@code FRESHRAG_BENCH_JAVA_OPTS} unset, with its heap), for the JDK they run on.
 *
 * <p>Why not the JVM's own choice: on a machine of two cores and 2 GB or more it takes G1, made for large heaps and
 * short pauses, whose write barriers and concurrent refinement and marking threads cost CPU on the same two cores the
 * model needs. The services keep little alive (the index lives in files, the model in native memory), so the
 * Parallel collector's young collections are short; the pipeline benchmark measured the stack's CPU per chunk 6% lower
 * with these options (BENCHMARKS.md, Pipeline Runs 21-24). Compact object headers (JEP 519, a product option from
 * JDK 25, unknown to 21) make every object 4 bytes smaller: less to allocate, copy and cache.
 */
final class ServiceJvmDefaults {

    /** The first feature release where {@code -XX:+UseCompactObjectHeaders} needs no experimental unlock. */
    static final int COMPACT_HEADERS_SINCE = 25;

    static final String DEFAULT_COLLECTOR = "-XX:+UseParallelGC";
    /** An option that chooses a garbage collector. */
    private static final Pattern COLLECTOR = Pattern.compile("-XX:\\+Use\\w+GC");

    private ServiceJvmDefaults() {
    }

    /**
     * A service's options: these defaults, then {@code extra} ({@code FRESHRAG_JAVA_OPTS}: a later option wins, so
     * {@code -XX:-UseCompactObjectHeaders} there turns the headers off). Extra options that choose a collector
     * ({@code -XX:+UseG1GC}, ...) replace the default one: the JVM refuses two.
     */
    static List<String> withExtra(List<String> extra, int major) {
        List<String> opts = new ArrayList<>(forJdk(major));
        if (extra.stream().anyMatch(o -> COLLECTOR.matcher(o).matches())) {
            opts.remove(DEFAULT_COLLECTOR);
        }
        opts.addAll(extra);
        return List.copyOf(opts);
    }

    /** The options for a service JVM on a JDK of feature release {@code major}. */
    static List<String> forJdk(int major) {
        List<String> opts = new ArrayList<>(List.of(DEFAULT_COLLECTOR));
        if (major >= COMPACT_HEADERS_SINCE) {
            opts.add("-XX:+UseCompactObjectHeaders");
        }
        return List.copyOf(opts);
    }
}
