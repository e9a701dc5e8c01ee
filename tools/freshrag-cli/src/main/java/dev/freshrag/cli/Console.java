package dev.freshrag.cli;

import java.io.PrintStream;

/** Where the CLI writes: lines for the user on out, problems on err prefixed with "freshrag: ". */
public record Console(PrintStream out, PrintStream err) {

    public static Console system() {
        return new Console(System.out, System.err);
    }

    public void say(String line) {
        out.println(line);
        out.flush();
    }

    public void warn(String line) {
        err.println("freshrag: " + line);
        err.flush();
    }
}
