package dev.freshrag.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The benchmarks of {@code ./freshrag bench}: main classes of tools/freshrag-bench. */
public enum Benchmark {
    EMBEDDER("EmbedderBench", StackUse.NONE),
    SEARCH("SearchBench", StackUse.REUSE),
    PIPELINE("PipelineBench", StackUse.FRESH),
    INCREMENTAL("PipelineBench", StackUse.FRESH),
    FRESHNESS("FreshnessBench", StackUse.REUSE),
    /** in process: retrieval quality per mode on the PEP questions, and search latency at 100k chunks */
    RETRIEVAL("RetrievalBench", StackUse.NONE),
    /** embedder, pipeline (with the incremental table), freshness, search */
    ALL("", StackUse.NONE);

    /** Whether a benchmark runs against the bench stack, and whether that starts from empty data. */
    enum StackUse { NONE, REUSE, FRESH }

    private final String mainClass;
    private final StackUse stack;

    Benchmark(String mainClass, StackUse stack) {
        this.mainClass = mainClass;
        this.stack = stack;
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    String mainClass() {
        return "dev.freshrag.bench." + mainClass;
    }

    StackUse stack() {
        return stack;
    }

    public static Optional<Benchmark> parse(String s) {
        return Arrays.stream(values()).filter(b -> b.id().equals(s)).findFirst();
    }
}
