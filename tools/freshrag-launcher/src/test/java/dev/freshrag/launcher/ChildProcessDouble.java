package dev.freshrag.launcher;

/**
 * A test double for a service process: prints "started", then sleeps. Mode {@code graceful} (the first
 * argument) exits on SIGTERM after printing "graceful shutdown"; {@code stubborn} hangs in its shutdown
 * hook, as a service stuck while closing would, so only SIGKILL ends it.
 */
public final class ChildProcessDouble {

    public static void main(String[] args) throws Exception {
        boolean stubborn = args.length > 0 && args[0].equals("stubborn");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("graceful shutdown");
            System.out.flush();
            if (stubborn) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }));
        System.out.println("started");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    private ChildProcessDouble() {
    }
}
