package dev.freshrag.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The GPUs as {@code nvidia-smi --query-gpu=... --format=csv,noheader,nounits} reports them: the only view of GPU
 * memory and utilisation that needs nothing but the driver (no CUDA library in this JVM).
 */
final class NvidiaSmi {

    static final String QUERY = "index,name,memory.used,memory.total,utilization.gpu";

    /** One GPU at one moment: memory in MiB, utilisation in percent (-1 when the driver does not say). */
    record Sample(int index, String name, double memoryUsedMib, double memoryTotalMib, double utilizationPercent) {
    }

    /** What running nvidia-smi gave: its samples, or why there are none. */
    record Result(List<Sample> samples, String failure) {
        boolean ok() {
            return failure == null;
        }
    }

    private NvidiaSmi() {
    }

    /** Runs nvidia-smi once (2 s at most). */
    static Result query() {
        List<String> cmd = List.of("nvidia-smi", "--query-gpu=" + QUERY, "--format=csv,noheader,nounits");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(List.of(), "nvidia-smi did not answer within 2 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.exitValue() != 0) {
                return new Result(List.of(), "nvidia-smi failed (exit " + p.exitValue() + "): " + firstLine(out));
            }
            List<Sample> samples = parse(out);
            return samples.isEmpty() ? new Result(List.of(), "nvidia-smi lists no GPU") : new Result(samples, null);
        } catch (IOException e) {
            return new Result(List.of(), "nvidia-smi not found (" + e.getMessage() + "): no NVIDIA driver on this machine");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(List.of(), "interrupted while running nvidia-smi");
        }
    }

    /** Lines like {@code 0, NVIDIA A10G, 1234, 23028, 87}; "[N/A]" or "[Not Supported]" become -1. */
    static List<Sample> parse(String csv) {
        List<Sample> samples = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length != 5) {
                throw new IllegalArgumentException("unexpected nvidia-smi line (want " + QUERY + "): " + line);
            }
            samples.add(new Sample(Integer.parseInt(f[0].trim()), f[1].trim(), number(f[2]), number(f[3]), number(f[4])));
        }
        return samples;
    }

    private static double number(String field) {
        String v = field.trim();
        return v.startsWith("[") || v.isEmpty() ? -1 : Double.parseDouble(v);
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    /** Samples one device every {@code periodMillis} on a daemon thread until closed. */
    static final class Sampler implements AutoCloseable {
        private final List<Sample> samples = new ArrayList<>();
        private final Thread thread;
        private volatile boolean running = true;

        Sampler(int device, long periodMillis) {
            thread = new Thread(() -> {
                while (running) {
                    Result r = query();
                    if (r.ok()) {
                        r.samples().stream().filter(s -> s.index() == device).forEach(this::add);
                    }
                    try {
                        Thread.sleep(periodMillis);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "freshrag-bench-nvidia-smi");
            thread.setDaemon(true);
            thread.start();
        }

        private synchronized void add(Sample s) {
            samples.add(s);
        }

        synchronized List<Sample> samples() {
            return List.copyOf(samples);
        }

        /** "peak 1234 MiB of 23028, utilisation mean 71% (max 97%), 40 samples", or why there is nothing. */
        String summary() {
            List<Sample> s = samples();
            if (s.isEmpty()) {
                return "no nvidia-smi samples";
            }
            double peak = s.stream().mapToDouble(Sample::memoryUsedMib).max().orElse(-1);
            double total = s.get(0).memoryTotalMib();
            double[] util = s.stream().mapToDouble(Sample::utilizationPercent).filter(u -> u >= 0).toArray();
            String u = util.length == 0 ? "utilisation not reported" : String.format(Locale.ROOT,
                    "utilisation mean %.0f%% (max %.0f%%)", Stats.of(util).mean(), Stats.of(util).max());
            return String.format(Locale.ROOT, "memory peak %.0f MiB of %.0f, %s, %d samples", peak, total, u, s.size());
        }

        @Override
        public void close() {
            running = false;
            thread.interrupt();
            try {
                thread.join(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
