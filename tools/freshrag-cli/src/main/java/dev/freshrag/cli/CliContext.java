package dev.freshrag.cli;

import java.util.function.Supplier;

/**
 * What every command needs: where to write, and the settings, read on first use (so that {@code help} and
 * usage errors work even when a variable holds a bad value).
 */
public record CliContext(Console console, Supplier<Settings> settingsSource) {

    Settings settings() {
        return settingsSource.get();
    }
}
