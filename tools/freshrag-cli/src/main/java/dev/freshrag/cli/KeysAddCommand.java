package dev.freshrag.cli;

import dev.freshrag.security.Role;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "add", description = "Make an API key bound to one tenant; prints it once, alone on the last line.")
final class KeysAddCommand implements Callable<Integer> {

    private final CliContext context;

    @Parameters(index = "0", paramLabel = "<tenant>", description = "[a-z0-9][a-z0-9_-]{0,62}")
    String tenant;

    @Parameters(index = "1", paramLabel = "<reader|writer|admin>", converter = RoleConverter.class)
    Role role;

    KeysAddCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        ApiKeys.add(context.settings(), tenant, role).forEach(context.console()::say);
        return 0;
    }

    /** The keys file's spelling (lower case), not the enum constant's. */
    static final class RoleConverter implements CommandLine.ITypeConverter<Role> {
        @Override
        public Role convert(String value) {
            return Role.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException(
                    "role must be reader, writer or admin, got '" + value + "'"));
        }
    }
}
