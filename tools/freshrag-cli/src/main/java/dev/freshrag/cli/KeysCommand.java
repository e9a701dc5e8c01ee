package dev.freshrag.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "keys", description = "API keys: keys add <tenant> <reader|writer|admin>")
final class KeysCommand implements Callable<Integer> {

    private final CliContext context;

    KeysCommand(CliContext context) {
        this.context = context;
    }

    /** {@code keys} alone: there is only one subcommand, say so. */
    @Override
    public Integer call() {
        context.console().warn("usage: ./freshrag keys add <tenant> <reader|writer|admin>");
        return 2;
    }
}
