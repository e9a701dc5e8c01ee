package dev.freshrag.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time from /proc (Linux): of the stack's processes (pid files of ./freshrag up under $FRESHRAG_HOME/run)
 * and of the whole machine, so a throughput figure can be told apart from what other work took.
 */
public final class ProcCpu {

    private static final double TICKS = 100.0; // USER_HZ: 100 on Linux

    private ProcCpu() {
    }

    /** Component name to CPU seconds (user + system) so far; empty when there is no /proc or no run dir. */
    public static Map<String, Double> stack() {
        return perComponent(ProcCpu::processSeconds);
    }

    /**
     * CPU seconds so far of the stack's JIT compiler threads (HotSpot's C1/C2 threads, "C1 CompilerThre", "C2
     * CompilerThre" in /proc), summed over its processes: what a freshly started JVM still spends compiling its hot
     * code, which a long-running service has long done. Threads that ended are not counted (HotSpot stops idle
     * compiler threads beyond the first of each kind), so this is a lower bound; 0 without /proc.
     */
    public static double stackCompilers() {
        return total(perComponent(ProcCpu::compilerSeconds));
    }

    /** A pid's CPU seconds, as one of the readers above measures them. */
    private interface PidSeconds {
        double of(long pid) throws IOException;
    }

    /**
     * {@code seconds} of each component of the stack (pid files of ./freshrag up under $FRESHRAG_HOME/run); a component
     * that is not running is left out, and the map is empty without a run dir.
     */
    private static Map<String, Double> perComponent(PidSeconds seconds) {
        Map<String, Double> out = new LinkedHashMap<>();
        String home = System.getenv("FRESHRAG_HOME");
        if (home == null || !Files.isDirectory(Path.of(home, "run"))) {
            return out;
        }
        try (DirectoryStream<Path> pids = Files.newDirectoryStream(Path.of(home, "run"), "*.pid")) {
            for (Path p : pids) {
                try {
                    out.put(p.getFileName().toString().replace(".pid", ""),
                            seconds.of(Long.parseLong(Files.readString(p).trim())));
                } catch (IOException | NumberFormatException e) {
                    // a component that is not running: left out
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    private static double compilerSeconds(long pid) throws IOException {
        double sum = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        sum += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return sum;
    }

    public static double total(Map<String, Double> cpu) {
        return cpu.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    static double processSeconds(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // the command name may hold spaces: fields are counted after its closing parenthesis
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after ")": state(0) ppid(1) ... utime is field 14 of the line = index 11 here, stime index 12
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
    }

    /** [busy, total] CPU seconds of the whole machine (all cores) so far, from the first line of /proc/stat. */
    public static double[] machine() {
        try {
            String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
            String[] f = first.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new double[] {(total - idle) / TICKS, total / TICKS};
        } catch (IOException | RuntimeException e) {
            return new double[] {Double.NaN, Double.NaN};
        }
    }
}
