package dev.freshrag.embedding;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts an embedder's model runs ({@link ModelRunTotals}). The CPU time is the running thread's own (one call of
 * {@code getCurrentThreadCpuTime} before and after a run, about a microsecond each against milliseconds of model);
 * where the JVM cannot measure thread CPU time it stays 0.
 */
final class ModelRunMeter {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled();

    private final LongAdder runs = new LongAdder();
    private final LongAdder texts = new LongAdder();
    private final LongAdder tokens = new LongAdder();
    private final LongAdder paddedTokens = new LongAdder();
    private final LongAdder cpuNanos = new LongAdder();

    /** The calling thread's CPU time so far, for {@link #ran}; 0 where it cannot be measured. */
    long threadCpu() {
        return CPU_TIME ? THREADS.getCurrentThreadCpuTime() : 0;
    }

    /** One run of {@code rows} texts holding {@code realTokens}, padded to {@code rows x width}. */
    void ran(int rows, long realTokens, int width, long cpuAtStart) {
        runs.increment();
        texts.add(rows);
        tokens.add(realTokens);
        paddedTokens.add((long) rows * width);
        if (CPU_TIME) {
            cpuNanos.add(Math.max(0, THREADS.getCurrentThreadCpuTime() - cpuAtStart));
        }
    }

    ModelRunTotals totals() {
        return new ModelRunTotals(runs.sum(), texts.sum(), tokens.sum(), paddedTokens.sum(), cpuNanos.sum());
    }
}
