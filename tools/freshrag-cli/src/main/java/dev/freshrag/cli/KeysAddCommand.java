package dev.freshrag.cli;

import dev.freshrag.security.Role;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "add", description = "Make an API key bound to one tenant (or, with --operator, to none); prints it once, "
        + "alone on the last line.")
final class KeysAddCommand implements Callable<Integer> {

    private final CliContext context;

    @Parameters(index = "0", arity = "0..1", paramLabel = "<tenant>", description = "[a-z0-9][a-z0-9_-]{0,62}")
    String tenant;

    @Parameters(index = "1", arity = "0..1", paramLabel = "<reader|writer|admin>", converter = RoleConverter.class)
    Role role;

    @Option(names = "--operator", description = "an operator key: no tenant, only the operator endpoints (./freshrag dlq)")
    boolean operator;

    @Spec
    CommandLine.Model.CommandSpec spec;

    KeysAddCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        if (operator != (tenant == null) || !operator && role == null) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "give either <tenant> <reader|writer|admin> or --operator alone");
        }
        (operator ? ApiKeys.addOperator(context.settings()) : ApiKeys.add(context.settings(), tenant, role))
                .forEach(context.console()::say);
        return 0;
    }

    /** The keys file's spelling (lower case), not the enum constant's. */
    static final class RoleConverter implements CommandLine.ITypeConverter<Role> {
        @Override
        public Role convert(String value) {
            return Role.parse(value).filter(r -> r != Role.OPERATOR).orElseThrow(() -> new CommandLine.TypeConversionException(
                    "role must be reader, writer or admin (an operator key: keys add --operator), got '" + value + "'"));
        }
    }
}
