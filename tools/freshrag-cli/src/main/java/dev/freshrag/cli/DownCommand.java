package dev.freshrag.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "down", description = "Stop the services, then the broker; verify nothing is left running.")
final class DownCommand implements Callable<Integer> {

    private final CliContext context;

    DownCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        Settings settings = context.settings();
        if (!new StackDown(settings, context.console()).run()) {
            throw new CliFailure("down finished, but see the warnings above");
        }
        context.console().say("FreshRAG is down (data kept in " + settings.home() + ")");
        return 0;
    }
}
