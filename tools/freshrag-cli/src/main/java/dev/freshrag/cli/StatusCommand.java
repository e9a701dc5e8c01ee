package dev.freshrag.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "status", description = "Pid, port and health of each component; exit 0 when all are healthy.")
final class StatusCommand implements Callable<Integer> {

    private final CliContext context;

    StatusCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        List<StatusReport.Row> rows = StatusReport.probe(context.settings());
        context.console().out().print(StatusReport.render(rows));
        context.console().out().flush();
        return StatusReport.exitCode(rows);
    }
}
