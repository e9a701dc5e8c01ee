package dev.freshrag.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Prometheus series the services export, read from their code: every Micrometer meter built with
 * {@code Counter|Timer|DistributionSummary|Gauge|... .builder("name")} in a service's or library's main sources, named
 * as Micrometer's Prometheus registry names it (dots to underscores; counters {@code _total}; timers in
 * {@code _seconds} with {@code _count}, {@code _sum}, {@code _max}; summaries {@code _count}, {@code _sum},
 * {@code _max}; {@code _bucket} only where the meter publishes a histogram or SLO buckets). A meter renamed in the
 * code is therefore a dashboard or alert query that fails this check.
 */
final class ExportedMetrics {

    private static final Pattern BUILDER = Pattern.compile(
            "\\b(Counter|FunctionCounter|Timer|FunctionTimer|LongTaskTimer|DistributionSummary|Gauge|TimeGauge)\\.builder\\(\\s*\"([^\"]+)\"");

    /** Series name to where it comes from (the source file of its meter). */
    final Map<String, String> series = new TreeMap<>();

    static ExportedMetrics of(Path root, List<String> sourceDirs) {
        ExportedMetrics m = new ExportedMetrics();
        for (String dir : sourceDirs) {
            Path d = root.resolve(dir);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(d)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    m.read(Files.readString(f), root.relativize(f).toString());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return m;
    }

    /** Every meter built in one source file. */
    void read(String java, String origin) {
        Matcher b = BUILDER.matcher(java);
        while (b.find()) {
            int end = java.indexOf(';', b.end());
            String statement = java.substring(b.start(), end < 0 ? java.length() : end);
            for (String s : seriesOf(b.group(1), b.group(2), statement)) {
                series.putIfAbsent(s, origin);
            }
        }
    }

    static Set<String> seriesOf(String type, String meterName, String statement) {
        String base = meterName.replace('.', '_').replace('-', '_');
        boolean buckets = statement.contains("publishPercentileHistogram") || statement.contains("serviceLevelObjectives");
        Set<String> out = new TreeSet<>();
        switch (type) {
            case "Counter", "FunctionCounter" -> out.add(base.endsWith("_total") ? base : base + "_total");
            case "Timer", "FunctionTimer", "LongTaskTimer" -> {
                String s = base + "_seconds";
                out.add(s + "_count");
                out.add(s + "_sum");
                out.add(s + "_max");
                if (type.equals("LongTaskTimer")) {
                    out.add(s + "_active_count");
                    out.add(s + "_duration_sum");
                }
                if (buckets) {
                    out.add(s + "_bucket");
                }
            }
            case "DistributionSummary" -> {
                out.add(base + "_count");
                out.add(base + "_sum");
                out.add(base + "_max");
                if (buckets) {
                    out.add(base + "_bucket");
                }
            }
            case "TimeGauge" -> out.add(base + "_seconds");
            default -> out.add(base);
        }
        return out;
    }
}
