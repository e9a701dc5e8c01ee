package dev.freshrag.query.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The samples of a Prometheus text exposition ({@code /q/metrics}), enough for the console: name, labels, value.
 * Comments and malformed lines are skipped: the console shows what it can read, never fails on a line.
 */
public record PrometheusText(List<Sample> samples) {

    public record Sample(String name, Map<String, String> labels, double value) {
    }

    public static final PrometheusText EMPTY = new PrometheusText(List.of());

    public static PrometheusText parse(String text) {
        List<Sample> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            try {
                out.add(sample(line.strip()));
            } catch (RuntimeException e) {
                // an exposition line we do not understand (a timestamp, an exemplar): not needed here
            }
        }
        return new PrometheusText(List.copyOf(out));
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space;
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        if (brace >= 0 && brace < line.indexOf(' ')) {
            name = line.substring(0, brace);
            int end = line.indexOf('}', brace);
            parseLabels(line.substring(brace + 1, end), labels);
            space = end + 1;
        } else {
            space = line.indexOf(' ');
            name = line.substring(0, space);
        }
        String rest = line.substring(space).strip();
        int cut = rest.indexOf(' ');
        String value = cut < 0 ? rest : rest.substring(0, cut); // an exemplar or timestamp may follow
        return new Sample(name, Map.copyOf(labels), Double.parseDouble(value));
    }

    private static void parseLabels(String body, Map<String, String> labels) {
        int i = 0;
        while (i < body.length()) {
            int eq = body.indexOf('=', i);
            if (eq < 0) {
                return;
            }
            String key = body.substring(i, eq).strip();
            int q = body.indexOf('"', eq) + 1;
            StringBuilder v = new StringBuilder();
            int j = q;
            for (; j < body.length() && body.charAt(j) != '"'; j++) {
                char c = body.charAt(j);
                if (c == '\\' && j + 1 < body.length()) {
                    c = body.charAt(++j);
                }
                v.append(c);
            }
            labels.put(key, v.toString());
            i = body.indexOf(',', j);
            if (i < 0) {
                return;
            }
            i++;
        }
    }

    /** Sum of every sample of this name (over all label sets). */
    public double sum(String name) {
        return sum(name, l -> true);
    }

    public double sum(String name, Predicate<Map<String, String>> labels) {
        double s = 0;
        for (Sample x : samples) {
            if (x.name().equals(name) && labels.test(x.labels())) {
                s += x.value();
            }
        }
        return s;
    }

    /** Cumulative bucket counts of a histogram, by upper bound ({@code le}), summed over other labels. */
    public Map<Double, Double> buckets(String histogram) {
        Map<Double, Double> out = new java.util.TreeMap<>();
        for (Sample x : samples) {
            if (x.name().equals(histogram + "_bucket") && x.labels().containsKey("le")) {
                String le = x.labels().get("le");
                double bound = "+Inf".equals(le) ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                out.merge(bound, x.value(), Double::sum);
            }
        }
        return out;
    }
}
