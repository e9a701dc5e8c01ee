package dev.freshrag.launcher;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops a process the way a service expects: SIGTERM so that its shutdown hooks run (Kafka Streams closes,
 * the index commits), SIGKILL only after the grace period. Descendants it leaves behind are stopped too.
 */
public final class ProcessStopper {

    private static final Duration AFTER_KILL = Duration.ofSeconds(10);

    private ProcessStopper() {
    }

    public static StopOutcome stop(ProcessHandle process, Duration grace) {
        if (!process.isAlive()) {
            return StopOutcome.NOT_RUNNING;
        }
        // taken before the parent goes: an orphan is re-parented and no longer listed as a descendant
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        StopOutcome outcome;
        if (awaitExit(process, grace)) {
            outcome = StopOutcome.TERMINATED;
        } else {
            process.destroyForcibly();
            outcome = awaitExit(process, AFTER_KILL) ? StopOutcome.KILLED : StopOutcome.STILL_RUNNING;
        }
        for (ProcessHandle child : descendants) {
            if (child.isAlive()) {
                child.destroyForcibly();
                awaitExit(child, AFTER_KILL);
            }
        }
        return outcome;
    }

    /** SIGKILL (a crash: no shutdown hooks run); waits until it is gone. */
    public static StopOutcome kill(ProcessHandle process) {
        if (!process.isAlive()) {
            return StopOutcome.NOT_RUNNING;
        }
        process.destroyForcibly();
        return awaitExit(process, AFTER_KILL) ? StopOutcome.KILLED : StopOutcome.STILL_RUNNING;
    }

    /** Whether the process exited within the timeout. */
    public static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !process.isAlive();
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}
