package dev.asnet.bench.latency;

import java.util.Arrays;

/** Order statistics of timing samples. */
public final class Stats {
    private Stats() {}

    /**
     * The nearest-rank q-quantile: the smallest sample with at least {@code q * n} samples at or
     * below it ({@code q = 0} gives the minimum, {@code 0.5} the median, {@code 1} the maximum).
     *
     * @param samples the samples (not modified)
     * @param q the quantile in [0, 1]
     * @return the quantile, or NaN when there are no samples
     */
    public static double quantile(double[] samples, double q) {
        if (q < 0 || q > 1 || Double.isNaN(q)) {
            throw new IllegalArgumentException("quantile must be in [0, 1], got " + q);
        }
        if (samples.length == 0) {
            return Double.NaN;
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }
}
