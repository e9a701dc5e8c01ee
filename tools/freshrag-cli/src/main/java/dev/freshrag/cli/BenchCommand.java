package dev.freshrag.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "bench", description = "Run a benchmark; ./freshrag bench help lists them.")
final class BenchCommand implements Callable<Integer> {

    static final String USAGE = """
            Usage: ./freshrag bench <name|all> [options for the benchmark]

            Benchmarks (each prints Markdown tables; BENCHMARKS.md records a run):
              embedder     FreshRAG's OnnxEmbedder against langchain4j's OnnxEmbeddingModel (fp32, int8), in one JVM
                           --target cuda: on the GPU (CUDA build, -Pgpu) against the CPU: tokens/s, batch
                           shapes, GPU memory and utilisation (nvidia-smi); fails at once without a GPU
                           --models all-minilm-l6-v2,bge-small-en-v1.5 [--variant fp32|int8]: the cost of each
                           model on the same chunks, models alternating (tokens/s, CPU s/chunk, ratio)
              search       /search latency and recall@10 at 10k and 100k synthetic chunks (in process and over HTTP)
              pipeline     the PEP stream through a fresh local stack: end-to-end chunks/s against the raw embedder,
                           and the incremental table (chunk diff against whole-document re-embedding);
                           the raw side embeds every text the pipeline embedded, once (--raw-runs N: median of N
                           passes; --raw-texts N: a shuffled sample of N texts, quicker, not the same texts)
              incremental  the same replay, the incremental table only
              freshness    PUT to searchable, p50/p95/p99, idle and with the embedder about half busy
                           --scenario reindex: live edits and searches while the PEP stream is reindexed to
                           --model (default: the model the active generation does not hold), and after the switch (rolled back afterwards)
              retrieval    hit@1/hit@5/MRR@10/nDCG@10 per mode (dense, lexical, hybrid) on labelled PEP questions,
                           and search latency per mode at 100k chunks, in process (not part of all);
                           --model all-minilm-l6-v2|bge-small-en-v1.5 --variant fp32|int8 --latency-chunks 0 --per-question
              all          all of the above (the replay once)

            The HTTP benchmarks start a stack of their own (FRESHRAG_HOME=<bench home>/stack, ports
            <base>-<base+3>, Kafka <base+12>) and stop it afterwards; pipeline starts it fresh. They
            authenticate with FRESHRAG_API_KEY if set, else with keys made by './freshrag keys add <tenant> writer'
            for the bench stack.

            Environment: FRESHRAG_BENCH_HOME (default $FRESHRAG_HOME/bench), FRESHRAG_BENCH_PORT_BASE (18080),
            FRESHRAG_BENCH_JAVA_OPTS (-Xmx2g -XX:+UseParallelGC), FRESHRAG_SHARED_DIR (holds data/pep-changes;
            default <repo>/../shared), FRESHRAG_BENCH_KEEP_STACK=1 (leave the bench stack running afterwards).
            """;

    private final CliContext context;

    @Parameters(arity = "0..*", paramLabel = "<name|all> [args]")
    List<String> words = new ArrayList<>();

    BenchCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Console console = context.console();
        if (words.isEmpty()) {
            console.err().print(USAGE);
            console.err().flush();
            return 2;
        }
        String name = words.get(0);
        if (List.of("help", "-h", "--help").contains(name)) {
            console.out().print(USAGE);
            console.out().flush();
            return 0;
        }
        Optional<Benchmark> which = Benchmark.parse(name);
        if (which.isEmpty()) {
            console.err().print(USAGE);
            throw new CliFailure("unknown benchmark: " + name);
        }
        Settings settings = context.settings();
        BenchSettings bench = BenchSettings.from(settings, Path.of("").toAbsolutePath());
        return new BenchRunner(settings, bench, console).run(which.get(), words.subList(1, words.size()));
    }
}
