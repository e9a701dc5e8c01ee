package dev.freshrag.cli;

import java.io.PrintStream;
import java.time.Duration;

/**
 * The progress of a sync: files and bytes sent of the total, rate and ETA. On a terminal it redraws one line; else
 * (a pipe, a log) it prints a line at most every 2 seconds, so logs stay short.
 */
final class SyncProgress {

    private final PrintStream out;
    private final boolean terminal;
    private final int totalFiles;
    private final long totalBytes;
    private final long start = System.nanoTime();
    private int files;
    private long bytes;
    private long lastPrinted;

    SyncProgress(PrintStream out, boolean terminal, int totalFiles, long totalBytes) {
        this.out = out;
        this.terminal = terminal;
        this.totalFiles = totalFiles;
        this.totalBytes = totalBytes;
    }

    void advance(int files, long bytes) {
        this.files += files;
        this.bytes += bytes;
        long now = System.nanoTime();
        if (terminal) {
            out.print("\r" + line() + "   ");
            out.flush();
        } else if (now - lastPrinted > 2_000_000_000L || this.files == totalFiles) {
            lastPrinted = now;
            out.println(line());
            out.flush();
        }
    }

    void done() {
        if (terminal) {
            out.println();
            out.flush();
        }
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    String line() {
        double seconds = Math.max(1e-3, (System.nanoTime() - start) / 1e9);
        double rate = bytes / seconds;
        int width = 24;
        double fraction = totalBytes == 0 ? (totalFiles == 0 ? 1 : (double) files / totalFiles) : (double) bytes / totalBytes;
        int filled = (int) Math.round(Math.min(1, fraction) * width);
        String eta = rate <= 0 || bytes >= totalBytes ? "0s" : seconds((long) ((totalBytes - bytes) / rate));
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] " + files + "/" + totalFiles + " files  "
                + size(bytes) + "/" + size(totalBytes) + "  " + size((long) rate) + "/s  ETA " + eta;
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }

    static String seconds(long s) {
        return s < 60 ? s + "s" : (s / 60) + "m" + (s % 60) + "s";
    }
}
