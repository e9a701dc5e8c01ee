package dev.freshrag.bench;

import java.util.Arrays;
import java.util.Collection;

/** Order statistics of a sample: nearest-rank percentiles (no interpolation), median, mean. */
public final class Stats {

    private final double[] sorted;

    private Stats(double[] values) {
        this.sorted = values.clone();
        Arrays.sort(this.sorted);
    }

    public static Stats of(double... values) {
        return new Stats(values);
    }

    public static Stats of(Collection<? extends Number> values) {
        return new Stats(values.stream().mapToDouble(Number::doubleValue).toArray());
    }

    public int count() {
        return sorted.length;
    }

    /**
     * Nearest-rank percentile: the smallest sample such that at least {@code p} percent of the samples are at
     * or below it. p=50 of {1,2,3,4} is 2, p=99 of 100 samples is the 99th smallest, p=100 is the maximum.
     */
    public double percentile(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("p must be in (0, 100], was " + p);
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    /** The middle sample, or the mean of the two middle ones. */
    public double median() {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public double mean() {
        return sorted.length == 0 ? Double.NaN : Arrays.stream(sorted).sum() / sorted.length;
    }

    public double min() {
        return sorted.length == 0 ? Double.NaN : sorted[0];
    }

    public double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }
}
