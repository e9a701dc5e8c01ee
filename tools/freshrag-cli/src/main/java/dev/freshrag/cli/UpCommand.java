package dev.freshrag.cli;

import dev.freshrag.launcher.LogTail;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "up", description = "Build what is missing, start Kafka and the three services, wait until all are healthy.")
final class UpCommand implements Callable<Integer> {

    /** What Ctrl-C (or SIGTERM to the CLI) means at each point of {@code up}. */
    private enum Phase {
        /** undo this run's starts */
        STARTING,
        /** stop everything, as {@code down} */
        FOREGROUND,
        /** nothing: the stack keeps running */
        DONE
    }

    private final CliContext context;

    @Option(names = {"--detach", "-d"}, description = "return once everything is ready; stop with ./freshrag down")
    boolean detach;

    @Option(names = "--rebuild", description = "build the services even when their jars exist")
    boolean rebuild;

    @Option(names = "--kafka-only", description = "only the broker and the topics")
    boolean kafkaOnly;

    UpCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Settings settings = context.settings();
        Console console = context.console();
        StackUp up = new StackUp(settings, console);
        AtomicReference<Phase> phase = new AtomicReference<>(Phase.STARTING);
        Thread onSignal = new Thread(() -> {
            switch (phase.getAndSet(Phase.DONE)) {
                case STARTING -> {
                    console.warn("interrupted");
                    up.stopStarted();
                }
                case FOREGROUND -> {
                    console.say("");
                    console.say("stopping FreshRAG...");
                    boolean ok = new StackDown(settings, console).run();
                    if (ok) {
                        console.say("FreshRAG is down (data kept in " + settings.home() + ")");
                    }
                    // a clean stop after Ctrl-C is a success, as it was for the shell launcher
                    Runtime.getRuntime().halt(ok ? 0 : 1);
                }
                case DONE -> {
                }
            }
        }, "freshrag-up-signal");
        Runtime.getRuntime().addShutdownHook(onSignal);

        Optional<ApiKeys.FirstKeys> keys;
        try {
            keys = up.start(kafkaOnly, rebuild);
        } catch (RuntimeException e) {
            if (phase.compareAndSet(Phase.STARTING, Phase.DONE)) {
                up.stopStarted();
            }
            throw e;
        }
        if (kafkaOnly) {
            console.say("");
            console.say("Kafka is up at 127.0.0.1:" + settings.port(Component.KAFKA) + " with the FreshRAG topics (data: "
                    + settings.home() + ").");
            console.say("Run a service against it with KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:" + settings.port(Component.KAFKA) + ".");
        } else {
            console.out().print(UpSummary.render(settings, new RunningComponents(settings), keys));
            console.out().println();
        }
        if (detach) {
            phase.set(Phase.DONE);
            Runtime.getRuntime().removeShutdownHook(onSignal);
            console.say("Running in the background. Stop with: ./freshrag down");
            return 0;
        }
        if (!phase.compareAndSet(Phase.STARTING, Phase.FOREGROUND)) {
            return 1; // interrupted right at the end of the start
        }
        console.say("Press Ctrl-C to stop everything.");
        watch(settings, console, up, StackUp.components(kafkaOnly));
        return 0;
    }

    /** Reports a component that stops on its own; the others keep running until Ctrl-C. */
    private static void watch(Settings settings, Console console, StackUp up, List<Component> active) {
        Set<Component> reported = new HashSet<>();
        while (true) {
            Set<Component> gone = up.notRunning(active);
            for (Component c : gone) {
                if (reported.add(c)) {
                    console.warn(c.id() + " is no longer running; " + settings.logFile(c) + " ends with:\n"
                            + LocalBroker.indent(LogTail.of(settings.logFile(c), 20)));
                    console.warn("the others keep running; start it again with './freshrag up --detach' in another"
                            + " terminal, or Ctrl-C to stop all");
                }
            }
            reported.retainAll(gone);
            Sleep.millis(2000);
        }
    }
}
