package dev.freshrag.bench;

import java.lang.management.ManagementFactory;

/** Wall and whole-process CPU time (all threads, native ONNX Runtime threads included). */
public final class CpuClock {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long wallStart = System.nanoTime();
    private final long cpuStart = OS.getProcessCpuTime();

    public double wallSeconds() {
        return (System.nanoTime() - wallStart) / 1e9;
    }

    public double cpuSeconds() {
        return (OS.getProcessCpuTime() - cpuStart) / 1e9;
    }
}
