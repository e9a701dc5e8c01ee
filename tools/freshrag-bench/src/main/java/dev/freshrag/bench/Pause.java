package dev.freshrag.bench;

/** Sleeping in a benchmark loop, where an interrupt means: stop the benchmark. */
final class Pause {

    private Pause() {
    }

    static void millis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
