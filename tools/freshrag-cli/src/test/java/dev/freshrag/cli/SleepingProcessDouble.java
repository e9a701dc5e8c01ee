package dev.freshrag.cli;

/** Stands in for a component's JVM in {@link RunningComponentsTest}: sleeps until stopped. */
public final class SleepingProcessDouble {

    public static void main(String[] args) throws InterruptedException {
        System.out.println("started");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private SleepingProcessDouble() {
    }
}
