package dev.freshrag.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./freshrag}: the local stack's command line. Exit codes: 0 done (for {@code status}: all healthy),
 * 1 failed (the message says why), 2 usage error.
 */
@Command(name = "freshrag", description = "FreshRAG local launcher", usageHelpAutoWidth = true)
public final class FreshragCli implements Callable<Integer> {

    static final String USAGE = """
            Usage: ./freshrag <command> [options]

            Commands:
              up [--detach] [--rebuild] [--kafka-only]
                                         Build what is missing, start the Kafka broker and the three services,
                                         wait until all are healthy, print the URLs. Runs in the foreground
                                         (Ctrl-C stops everything) unless --detach. --rebuild forces a build.
                                         --kafka-only starts just the broker and creates the topics (to run
                                         the services from an IDE or with quarkus:dev against it).
              status                     Pid, port and health of each component; exit 0 when all are healthy.
              down                       Stop the services, then the broker; verify nothing is left running.
              keys add <tenant> <role>   Make an API key (role reader, writer or admin) bound to one tenant; prints it
                                         once, alone on the last line, and records its SHA-256 in the keys file.
                                         Works whether or not the stack is running (the services pick it up).
              keys add --operator        Make an operator key: bound to no tenant, refused on every tenant path,
                                         accepted only on /v1/operator/... (the dlq commands). Printed once, last line.
              dlq list [filters]         List dead letters on kb.dlq as a table (partition, offset, stage, tenant,
                                         source, field, reason, key).
              dlq replay [filters]       Re-publish matching dead letters, marked bulk, to the stage they came from
                                         (ingest: kb.doc-changes, embed: kb.chunk-ops.bulk); prints how many.
                                         Filters: --reason R (contained in the reason), --tenant T,
                                         --partition P [--from O] [--to O] (kb.dlq offsets, inclusive), --limit N
                                         (default 100). --url URL: the ingest-service (default FRESHRAG_URL, else
                                         the local one).
              sync DIR --tenant T [--watch] [--include GLOB] [--exclude GLOB] [--url URL] [--key KEY]
                                         Make tenant T's documents match a folder: docId = relative path; sends new and
                                         changed files (SHA-256 kept in DIR/.freshrag-sync.json) through the bulk lane,
                                         deletes files that are gone; progress and a summary. --watch then follows the
                                         folder and sends each change as a live edit. Formats: .md .html .txt (as text),
                                         .pdf .docx .pptx .odt .rtf .epub (text extracted by the ingest-service).
                                         Hidden files and folders are skipped. Key: --key, else FRESHRAG_KEY (a writer
                                         key of T).
              verify [--tenant T] [--repair]
                                         Compare, per document, what the pipeline accepted (version, chunk ids)
                                         with what the index holds; print missing documents, stale versions,
                                         missing or extra chunks, documents not deleted, and a summary line.
                                         Exit 0 only when nothing differs. --repair re-drives the differing
                                         documents through the bulk lane. --url / --query-url: the ingest- and
                                         query-service (default FRESHRAG_URL / FRESHRAG_QUERY_URL, else local).
              reindex start --model M    Build a new index generation with embedding model M (bge-small-en-v1.5,
                                         all-minilm-l6-v2) beside the active one: every live change goes to both,
                                         and every document is re-driven from kb.doc-log into it (bulk lane).
                                         --chunk-max-tokens N: chunked again at N tokens (same model or not).
              reindex status [--watch]   Generations, backfill progress (documents, chunks, rate, ETA), lag per lane
                                         and partition, whether switch would switch; --watch: a progress bar until
                                         the new generation is caught up.
              reindex switch|rollback|abort|drop-previous
                                         Make the caught-up generation active (else refused, saying how far behind);
                                         return to the previous one; drop the building one; free the previous one.
                                         --url URL: the embed-service (default FRESHRAG_EMBED_URL, else the local one).
              bench <name|all> [args]    Run a benchmark (embedder, search, pipeline, incremental, freshness);
                                         './freshrag bench help' lists them.
              help, --help               This text.

            Environment:
              FRESHRAG_HOME                   data directory (default <repo>/.freshrag)
              FRESHRAG_QUERY_PORT             query-service HTTP port (8080)
              FRESHRAG_INGEST_PORT            ingest-service HTTP port (8081)
              FRESHRAG_EMBED_PORT             embed-service HTTP port (8082)
              FRESHRAG_QUERY_MANAGEMENT_PORT  query-service health and metrics port (9080)
              FRESHRAG_INGEST_MANAGEMENT_PORT ingest-service health and metrics port (9081)
              FRESHRAG_EMBED_MANAGEMENT_PORT  embed-service health and metrics port (9082)
              FRESHRAG_KAFKA_PORT             Kafka client port (9092)
              FRESHRAG_KAFKA_CONTROLLER_PORT  Kafka controller port (9093)
              FRESHRAG_KAFKA_PARTITIONS       partitions of kb.doc-changes and kb.chunk-ops(.bulk) on first start
              FRESHRAG_HTTP_HOST              address the services listen on (127.0.0.1)
              FRESHRAG_START_TIMEOUT          seconds to wait for each service to be ready (180)
              FRESHRAG_KAFKA_TIMEOUT          seconds to wait for the broker's port (60)
              FRESHRAG_STOP_GRACE             seconds between SIGTERM and SIGKILL (20)
              FRESHRAG_JAVA_OPTS              extra JVM options for the services
              FRESHRAG_KAFKA_JAVA_OPTS        JVM options of the broker (-Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1)
              FRESHRAG_MAVEN_ARGS             extra Maven arguments for builds (e.g. -o)
              FRESHRAG_TENANT                 tenant of the writer and admin keys made on the first up (acme)
              FRESHRAG_SECURITY_KEYS_FILE     the keys file (default $FRESHRAG_HOME/keys)
              FRESHRAG_URL                    the ingest-service of the dlq, sync and verify commands (default http://<host>:<ingest port>)
              FRESHRAG_QUERY_URL              the query-service of verify (default http://<host>:<query port>)
              FRESHRAG_EMBED_URL              the embed-service of reindex (default http://<host>:<embed port>)
              FRESHRAG_KEY                    the operator key of the dlq, verify and reindex commands (default the one in
                                              $FRESHRAG_HOME/operator-key, made by the first up); for sync, a writer key
            """;

    private final CliContext context;

    FreshragCli(CliContext context) {
        this.context = context;
    }

    /** No command: the usage, as an error. */
    @Override
    public Integer call() {
        context.console().err().print(USAGE);
        return 2;
    }

    public static void main(String[] args) {
        // the in-process Kafka Admin client (topic creation) logs through the broker's log4j2 configuration
        System.setProperty("log4j2.configurationFile", LocalBroker.LOG4J_CONFIG);
        Path root = Path.of(System.getProperty("freshrag.repo.root", ".")).toAbsolutePath().normalize();
        Path cwd = Path.of("").toAbsolutePath();
        int rc = run(args, new CliContext(Console.system(), () -> Settings.from(System.getenv(), root, cwd)));
        System.exit(rc);
    }

    /** Parses and runs one command line; answers the exit code. */
    public static int run(String[] args, CliContext context) {
        Console console = context.console();
        if (args.length == 1 && (args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h"))) {
            console.out().print(USAGE);
            console.out().flush();
            return 0;
        }
        CommandLine cl = new CommandLine(new FreshragCli(context));
        cl.addSubcommand("up", new UpCommand(context));
        cl.addSubcommand("down", new DownCommand(context));
        cl.addSubcommand("status", new StatusCommand(context));
        cl.addSubcommand("keys", new CommandLine(new KeysCommand(context)).addSubcommand("add", new KeysAddCommand(context)));
        cl.addSubcommand("dlq", new CommandLine(new DlqCommand(context))
                .addSubcommand("list", new DlqCommand.ListCommand(context))
                .addSubcommand("replay", new DlqCommand.ReplayCommand(context)));
        cl.addSubcommand("sync", new SyncCommand(context));
        cl.addSubcommand("verify", new VerifyCommand(context));
        cl.addSubcommand("reindex", new CommandLine(new ReindexCommand(context))
                .addSubcommand("start", new ReindexCommand.Start(context))
                .addSubcommand("status", new ReindexCommand.Status(context))
                .addSubcommand("switch", new ReindexCommand.Verb(context, "switch"))
                .addSubcommand("rollback", new ReindexCommand.Verb(context, "rollback"))
                .addSubcommand("abort", new ReindexCommand.Verb(context, "abort"))
                .addSubcommand("drop-previous", new ReindexCommand.Verb(context, "drop-previous")));
        CommandLine bench = new CommandLine(new BenchCommand(context));
        bench.setUnmatchedOptionsArePositionalParams(true);
        cl.addSubcommand("bench", bench);
        cl.setOut(new PrintWriter(console.out(), true));
        cl.setErr(new PrintWriter(console.err(), true));
        cl.setParameterExceptionHandler((e, a) -> {
            boolean unknownCommand = e instanceof CommandLine.UnmatchedArgumentException u && e.getCommandLine().getParent() == null
                    && !u.getUnmatched().isEmpty();
            console.warn(unknownCommand ? "unknown command: " + ((CommandLine.UnmatchedArgumentException) e).getUnmatched().get(0)
                    : e.getMessage());
            console.err().println();
            CommandLine failed = e.getCommandLine();
            console.err().print(failed.getParent() == null ? USAGE : failed.getUsageMessage());
            console.err().flush();
            return 2;
        });
        cl.setExecutionExceptionHandler((e, failed, parsed) -> {
            if (e instanceof CliFailure) {
                console.warn(e.getMessage());
                return 1;
            }
            throw e;
        });
        return cl.execute(args);
    }
}
