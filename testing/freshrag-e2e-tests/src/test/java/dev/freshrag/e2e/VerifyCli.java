package dev.freshrag.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.freshrag.cli.CliContext;
import dev.freshrag.cli.Console;
import dev.freshrag.cli.FreshragCli;
import dev.freshrag.cli.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code ./freshrag verify --tenant T} of one tenant, run in-process on the real command line parser, over HTTP to the
 * stack's ingest-service (or another instance of it) and query-service, with an operator key.
 */
final class VerifyCli {

    /** One CLI run: exit code and what it printed. */
    record Run(int rc, String out, String err) {
    }

    private static final Duration CONVERGE = Duration.ofMinutes(3);

    private final PipelineStack stack;
    private final String tenant;
    private final String key;

    VerifyCli(PipelineStack stack, String tenant, String operatorKey) {
        this.stack = stack;
        this.tenant = tenant;
        this.key = operatorKey;
    }

    /** Runs verify until it exits {@code rc} (the index converging), for at most 3 minutes. */
    Run await(String ingestUrl, int rc, String what) throws InterruptedException {
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        Run last = run(ingestUrl);
        while (last.rc() != rc && System.nanoTime() < deadline) {
            Thread.sleep(1000);
            last = run(ingestUrl);
        }
        assertThat(last.rc()).as(what + ": " + last.out() + last.err()).isEqualTo(rc);
        return last;
    }

    Run run(String ingestUrl, String... extra) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = new HashMap<>();
        env.put("FRESHRAG_URL", ingestUrl);
        env.put("FRESHRAG_QUERY_URL", stack.queryUrl());
        env.put("FRESHRAG_KEY", key);
        env.put("FRESHRAG_HOME", stack.dataDir.resolve("cli").toString());
        String[] args = new String[3 + extra.length];
        args[0] = "verify";
        args[1] = "--tenant";
        args[2] = tenant;
        System.arraycopy(extra, 0, args, 3, extra.length);
        Path root = Path.of("").toAbsolutePath();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int rc = FreshragCli.run(args, new CliContext(new Console(o, e), () -> Settings.from(env, root, root)));
            return new Run(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }
}
