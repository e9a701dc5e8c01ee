package dev.freshrag.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/** Where and when a benchmark ran: printed above every table. */
public final class Machine {

    private Machine() {
    }

    public static String cpuModel() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            Optional<String> model = lines.stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
            return model.orElse(System.getProperty("os.arch"));
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
    }

    public static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return l < 0 ? "n/a" : String.format("%.2f", l);
        }
    }

    public static String describe() {
        return String.format("%s; %d cores (availableProcessors); %s; JDK %s (%s); %s; load average %s",
                cpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.runtime.version"), System.getProperty("java.vm.name"),
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME).replaceAll("\\.\\d+", ""),
                loadAverage());
    }

    public static void printHeader(String benchmark, String command) {
        System.out.println();
        System.out.println("## " + benchmark);
        System.out.println();
        System.out.println("- machine: " + describe());
        // ./freshrag bench names the command the user typed; the arguments it adds itself are in the class's own
        String typed = System.getProperty("freshrag.bench.command");
        System.out.println("- command: `" + (typed != null && !typed.isBlank() ? typed : command) + "`");
    }
}
