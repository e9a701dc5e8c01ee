package dev.freshrag.launcher;

/** What stopping a process came to. */
public enum StopOutcome {
    /** It had already exited. */
    NOT_RUNNING,
    /** It exited within the grace period after SIGTERM. */
    TERMINATED,
    /** It ignored SIGTERM for the grace period and was killed (SIGKILL). */
    KILLED,
    /** It still runs even after SIGKILL (e.g. another user's process, or stuck in the kernel). */
    STILL_RUNNING
}
