package dev.freshrag.query.console;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * The embed-service's freshness histogram ({@code freshrag_freshness_seconds}) sampled over time, so the console
 * can draw p50/p99 over a sliding window: the quantiles of the observations between a sample and the one a window
 * before it (bucket counts subtracted), read off the bucket upper bounds as Prometheus' histogram_quantile does
 * without interpolation. Also keeps the embedded-chunks counter for the throughput.
 */
final class FreshnessHistory {

    /** One scrape: when, cumulative bucket counts by upper bound, and the chunks-embedded counter. */
    record Sample(long atMillis, Map<Double, Double> buckets, double embedded) {
        double count() {
            return buckets.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
        }
    }

    /** A point of the chart: p50 and p99 in seconds over the window ending at {@code atMillis}, NaN when nothing was observed. */
    record Point(long atMillis, double p50, double p99, double observations) {
    }

    private final Duration window;
    private final Duration history;
    private final Deque<Sample> samples = new ArrayDeque<>();

    FreshnessHistory(Duration window, Duration history) {
        this.window = window;
        this.history = history;
    }

    synchronized void add(Sample s) {
        if (!samples.isEmpty() && s.count() < samples.peekLast().count()) {
            samples.clear(); // the embed-service restarted: its counters began again
        }
        samples.addLast(s);
        long oldest = s.atMillis() - history.toMillis() - window.toMillis();
        while (samples.size() > 1 && samples.peekFirst().atMillis() < oldest) {
            samples.removeFirst();
        }
    }

    synchronized List<Point> points() {
        List<Sample> all = new ArrayList<>(samples);
        List<Point> out = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            Sample end = all.get(i);
            Sample start = baseline(all, i);
            if (start == null || end.atMillis() < all.get(all.size() - 1).atMillis() - history.toMillis()) {
                continue;
            }
            double n = end.count() - start.count();
            out.add(new Point(end.atMillis(), quantile(start, end, 0.50), quantile(start, end, 0.99), n));
        }
        return out;
    }

    /** Freshness observations since the embed-service started (the latest sample's count), 0 before any sample. */
    synchronized long total() {
        return samples.isEmpty() ? 0 : Math.round(samples.peekLast().count());
    }

    /** Chunks embedded per second over the window ending at the latest sample, or NaN with fewer than two samples. */
    synchronized double embedRate() {
        if (samples.size() < 2) {
            return Double.NaN;
        }
        List<Sample> all = new ArrayList<>(samples);
        Sample end = all.get(all.size() - 1);
        Sample start = baseline(all, all.size() - 1);
        if (start == null || start == end) {
            start = all.get(0);
        }
        double seconds = (end.atMillis() - start.atMillis()) / 1000.0;
        return seconds <= 0 ? Double.NaN : (end.embedded() - start.embedded()) / seconds;
    }

    /** The latest sample at least a window older than sample i, else the oldest one (a shorter window at the start). */
    private Sample baseline(List<Sample> all, int i) {
        if (i == 0) {
            return null;
        }
        long from = all.get(i).atMillis() - window.toMillis();
        Sample base = all.get(0);
        for (int j = 0; j < i; j++) {
            if (all.get(j).atMillis() <= from) {
                base = all.get(j);
            }
        }
        return base;
    }

    static double quantile(Sample start, Sample end, double q) {
        double total = end.count() - start.count();
        if (total <= 0) {
            return Double.NaN;
        }
        double rank = q * total;
        double finite = Double.NaN;
        for (Map.Entry<Double, Double> b : end.buckets().entrySet()) {
            double inBucket = b.getValue() - start.buckets().getOrDefault(b.getKey(), 0.0);
            if (!b.getKey().isInfinite()) {
                finite = b.getKey();
            }
            if (inBucket >= rank) {
                return b.getKey().isInfinite() ? finite : b.getKey();
            }
        }
        return finite;
    }
}
