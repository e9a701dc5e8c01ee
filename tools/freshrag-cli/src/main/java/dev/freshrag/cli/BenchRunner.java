package dev.freshrag.cli;

import dev.freshrag.launcher.JdkFinder;
import dev.freshrag.launcher.ProcessLauncher;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs benchmarks: builds tools/freshrag-bench when it or a library changed, starts the bench stack when a
 * benchmark needs one, and runs the main class as a child {@code java @argfile} (ONNX Runtime's native load
 * crashes the JVM when the command line is longer than about 4 KB).
 */
final class BenchRunner {

    private static final String BENCH_MODULE = "tools/freshrag-bench";

    private final Settings settings;
    private final BenchSettings bench;
    private final Console console;

    BenchRunner(Settings settings, BenchSettings bench, Console console) {
        this.settings = settings;
        this.bench = bench;
        this.console = console;
    }

    /** Answers 0 when every benchmark ran, else 1. */
    int run(Benchmark which, List<String> args) {
        boolean cuda = which == Benchmark.EMBEDDER && CudaBench.requested(args);
        if (cuda) {
            CudaBench.requireGpu();
        }
        Path shared = bench.requirePepStream();
        Path argFile = prepare(cuda);
        String typed = "./freshrag bench " + which.id() + (args.isEmpty() ? "" : " " + String.join(" ", args));
        uptime();
        int rc = 0;
        try {
            if (which == Benchmark.ALL) {
                rc |= runOne(Benchmark.EMBEDDER, Benchmark.EMBEDDER, args, argFile, shared, typed);
                rc |= runOne(Benchmark.PIPELINE, Benchmark.ALL, args, argFile, shared, typed);
                rc |= runOne(Benchmark.FRESHNESS, Benchmark.FRESHNESS, args, argFile, shared, typed);
                rc |= runOne(Benchmark.SEARCH, Benchmark.SEARCH, args, argFile, shared, typed);
            } else {
                rc = runOne(which, which, args, argFile, shared, typed);
            }
        } finally {
            if (which != Benchmark.EMBEDDER && which != Benchmark.RETRIEVAL) {
                stopStack();
            }
        }
        return rc;
    }

    /** {@code mode}: what PipelineBench reports (pipeline, incremental, or both under "all"). */
    private int runOne(Benchmark b, Benchmark mode, List<String> args, Path argFile, Path shared, String typed) {
        List<String> benchArgs = new ArrayList<>();
        switch (b) {
            case EMBEDDER, RETRIEVAL -> {
            }
            case SEARCH -> {
                startStack(false);
                benchArgs.addAll(List.of("--dir", bench.benchHome().resolve("search").toString(),
                        "--query-service-jar", settings.jar(Component.QUERY).toString(),
                        "--port", Integer.toString(bench.portBase() + 3),
                        "--kafka", "127.0.0.1:" + (bench.portBase() + 12),
                        "--keys-file", bench.stackHome().resolve("keys").toString(),
                        "--log-dir", bench.benchHome().toString()));
            }
            case PIPELINE, INCREMENTAL -> {
                startStack(true);
                benchArgs.addAll(bench.stackArgs());
                benchArgs.addAll(List.of("--mode", mode == Benchmark.ALL ? "both" : b.id()));
            }
            case FRESHNESS -> {
                startStack(false);
                benchArgs.addAll(bench.stackArgs());
            }
            case ALL -> throw new IllegalArgumentException("all is run one by one");
        }
        benchArgs.addAll(args);
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessLauncher.javaExecutable());
        cmd.addAll(JdkFinder.SERVICE_JVM_ARGS);
        cmd.addAll(bench.javaOpts());
        cmd.add("-Dfreshrag.shared.dir=" + shared);
        // the benchmarks make their API keys with `./freshrag keys add`, against the bench stack's home
        cmd.add("-Dfreshrag.bench.launcher=" + settings.root().resolve("freshrag"));
        cmd.add("-Dfreshrag.bench.command=" + typed);
        cmd.add("@" + argFile);
        cmd.add(b.mainClass());
        cmd.addAll(benchArgs);
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
            Map<String, String> env = pb.environment();
            bench.stackEnvironment().forEach((k, v) -> {
                if (v == null) {
                    env.remove(k);
                } else {
                    env.put(k, v);
                }
            });
            return pb.start().waitFor() == 0 ? 0 : 1;
        } catch (IOException e) {
            throw new CliFailure("cannot run " + b.mainClass() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted");
        }
    }

    private Settings stackSettings() {
        return settings.with(bench.stackEnvironment());
    }

    private void startStack(boolean fresh) {
        Settings stack = stackSettings();
        Path log = bench.benchHome().resolve("up.log");
        if (fresh) {
            new StackDown(stack, quiet()).run();
            deleteTree(stack.home());
            console.say("starting a fresh bench stack in " + stack.home() + " (ports " + bench.portBase() + "-"
                    + (bench.portBase() + 2) + ", Kafka " + stack.port(Component.KAFKA) + ")...");
        } else {
            console.say("starting the bench stack in " + stack.home() + " unless it is running...");
        }
        try (PrintStream out = new PrintStream(new FileOutputStream(log.toFile()), true, StandardCharsets.UTF_8)) {
            StackUp up = new StackUp(stack, new Console(out, out));
            try {
                up.start(false, false);
            } catch (CliFailure e) {
                out.println("freshrag: " + e.getMessage());
                up.stopStarted();
                console.err().print(Files.readString(log));
                throw new CliFailure("the bench stack did not start (see above)");
            }
        } catch (IOException e) {
            throw new CliFailure("cannot write " + log + ": " + e.getMessage(), e);
        }
    }

    private void stopStack() {
        if (bench.keepStack()) {
            console.say("leaving the bench stack running (FRESHRAG_HOME=" + bench.stackHome() + ")");
            return;
        }
        if (!new StackDown(stackSettings(), quiet()).run()) {
            console.warn("stopping the bench stack reported problems");
        }
    }

    private static Console quiet() {
        PrintStream nowhere = new PrintStream(PrintStream.nullOutputStream());
        return new Console(nowhere, nowhere);
    }

    /**
     * Builds freshrag-bench (and what it uses) when needed; answers the argfile with its classpath. With
     * {@code cuda}, on ONNX Runtime's CUDA build ({@code -Pgpu}), kept apart from the CPU build's classpath.
     */
    private Path prepare(boolean cuda) {
        Path module = settings.root().resolve(BENCH_MODULE);
        String suffix = cuda ? "-gpu" : "";
        Path argFile = bench.benchHome().resolve("java" + suffix + ".args");
        Path stamp = bench.benchHome().resolve("build" + suffix + ".stamp");
        Path classpath = module.resolve("target/runtime" + suffix + ".classpath");
        if (!Files.exists(argFile) || !Files.isDirectory(module.resolve("target/classes/dev/freshrag/bench"))
                || !Files.exists(classpath) || changedSince(stamp)) {
            List<String> extra = new ArrayList<>(List.of("dependency:build-classpath", "-DincludeScope=runtime",
                    "-Dmdep.outputFile=target/runtime" + suffix + ".classpath"));
            if (cuda) {
                extra.add("-Pgpu");
            }
            new MavenBuild(settings, console).packageModules(List.of("freshrag-bench"), extra);
            try {
                String cp = module.resolve("target/classes") + java.io.File.pathSeparator + Files.readString(classpath).strip();
                JavaArgFile.writeClasspath(argFile, cp);
                Files.writeString(stamp, "");
            } catch (IOException e) {
                throw new CliFailure("cannot read the classpath of freshrag-bench: " + e.getMessage(), e);
            }
        }
        return argFile;
    }

    // the benchmark or a library it runs changed since the last build
    private boolean changedSince(Path stamp) {
        if (!Files.exists(stamp)) {
            return true;
        }
        try {
            FileTime built = Files.getLastModifiedTime(stamp);
            for (Path p : List.of(settings.root().resolve("pom.xml"), settings.root().resolve(BENCH_MODULE),
                    settings.root().resolve("tools/freshrag-launcher"), settings.root().resolve("libs"))) {
                try (Stream<Path> files = Files.walk(p)) {
                    if (files.filter(f -> !f.toString().contains("/target/") && Files.isRegularFile(f))
                            .anyMatch(f -> newer(f, built))) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean newer(Path f, FileTime than) {
        try {
            return Files.getLastModifiedTime(f).compareTo(than) > 0;
        } catch (IOException e) {
            return true;
        }
    }

    private void uptime() {
        try {
            Process p = new ProcessBuilder("uptime").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() == 0) {
                console.say("uptime: " + out);
            }
        } catch (IOException e) {
            // informational only
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new CliFailure("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }
}
