package dev.freshrag.launcher;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The end of a process's log file, for error messages. */
public final class LogTail {

    private static final int MAX_BYTES = 64 * 1024;

    private LogTail() {
    }

    /**
     * The last {@code lines} lines written since the process's last start (the last
     * {@link ProcessLauncher#START_LINE_PREFIX} line), reading at most 64 KiB.
     */
    public static String of(Path file, int lines) {
        if (!Files.exists(file)) {
            return "(no log file " + file + ")";
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            int n = (int) Math.min(len, MAX_BYTES);
            byte[] buf = new byte[n];
            f.seek(len - n);
            f.readFully(buf);
            List<String> all = List.of(new String(buf, StandardCharsets.UTF_8).split("\r?\n"));
            int from = 0;
            for (int i = all.size() - 1; i >= 0; i--) {
                if (all.get(i).startsWith(ProcessLauncher.START_LINE_PREFIX)) {
                    from = i;
                    break;
                }
            }
            return String.join("\n", all.subList(Math.max(from, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(could not read " + file + ": " + e + ")";
        }
    }
}
