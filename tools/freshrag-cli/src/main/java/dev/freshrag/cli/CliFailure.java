package dev.freshrag.cli;

/** A command failed in a way the user can act on: the message is printed and the exit code is 1. */
public final class CliFailure extends RuntimeException {

    public CliFailure(String message) {
        super(message);
    }

    public CliFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
