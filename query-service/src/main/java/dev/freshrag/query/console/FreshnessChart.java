package dev.freshrag.query.console;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The freshness chart as inline SVG: p50 and p99 lines over the history, x by time (the newest at the right), y in
 * seconds from 0 to the largest p99 shown (at least 1 s). A window without observations breaks the lines.
 *
 * @param p50Path      SVG path data of the p50 line
 * @param p99Path      SVG path data of the p99 line
 * @param points       chart points drawn (samples with observations in their window)
 * @param observations freshness observations in the window ending now
 * @param total        freshness observations since the embed-service started (only grows: what a test watches move)
 * @param latestP50    the latest p50 in seconds, formatted, or "n/a"
 * @param latestP99    the latest p99 in seconds, formatted, or "n/a"
 * @param maxSeconds   the top of the y axis, formatted
 */
public record FreshnessChart(String p50Path, String p99Path, int points, long observations, long total, String latestP50,
                             String latestP99, String maxSeconds) {

    static final int WIDTH = 600;
    static final int HEIGHT = 160;

    static FreshnessChart of(List<FreshnessHistory.Point> points, Duration history, long total) {
        double max = 1.0;
        for (FreshnessHistory.Point p : points) {
            if (!Double.isNaN(p.p99())) {
                max = Math.max(max, p.p99());
            }
        }
        long now = points.isEmpty() ? 0 : points.get(points.size() - 1).atMillis();
        StringBuilder p50 = new StringBuilder();
        StringBuilder p99 = new StringBuilder();
        boolean broken = true;
        int drawn = 0;
        for (FreshnessHistory.Point p : points) {
            if (Double.isNaN(p.p50())) {
                broken = true;
                continue;
            }
            double x = WIDTH - (now - p.atMillis()) * (double) WIDTH / history.toMillis();
            String cmd = broken ? "M" : "L";
            p50.append(String.format(Locale.ROOT, "%s%.1f %.1f ", cmd, x, y(p.p50(), max)));
            p99.append(String.format(Locale.ROOT, "%s%.1f %.1f ", cmd, x, y(p.p99(), max)));
            broken = false;
            drawn++;
        }
        FreshnessHistory.Point last = points.isEmpty() ? null : points.get(points.size() - 1);
        return new FreshnessChart(p50.toString().strip(), p99.toString().strip(), drawn,
                last == null ? 0 : Math.round(last.observations()), total,
                last == null || Double.isNaN(last.p50()) ? "n/a" : seconds(last.p50()),
                last == null || Double.isNaN(last.p99()) ? "n/a" : seconds(last.p99()),
                seconds(max));
    }

    private static double y(double seconds, double max) {
        return HEIGHT - seconds / max * HEIGHT;
    }

    private static String seconds(double s) {
        return String.format(Locale.ROOT, "%.2f s", s);
    }
}
