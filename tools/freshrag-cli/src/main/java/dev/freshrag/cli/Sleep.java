package dev.freshrag.cli;

/** Waiting between polls; an interrupt (Ctrl-C while starting) ends the command. */
final class Sleep {

    private Sleep() {
    }

    static void millis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted");
        }
    }
}
