package dev.asnet.exporter.quantize;

/**
 * A histogram of one activation over a fixed range (the min-max range of a first calibration pass),
 * from which percentiles are read. Bin {@code i} counts values in
 * {@code [lo + i * width, lo + (i + 1) * width)}, the last bin includes {@code hi}.
 */
public final class HistogramObserver {
    /** Bins per histogram: a bin is 1/16 of a uint8 step, fine enough for any percentile. */
    public static final int DEFAULT_BINS = 4096;

    private final TensorRange range;
    private final long[] bins;
    private final double width;
    private long count;

    /**
     * An empty histogram over a range.
     *
     * @param range every value observed must lie in it
     * @param binCount the number of bins, &gt;= 1
     */
    public HistogramObserver(TensorRange range, int binCount) {
        if (binCount < 1) {
            throw new IllegalArgumentException("a histogram needs at least one bin, got " + binCount);
        }
        this.range = range;
        this.bins = new long[binCount];
        this.width = ((double) range.max() - range.min()) / binCount;
    }

    /**
     * Counts one batch of values. Values outside the range (impossible when the range comes from
     * the same data) are counted in the first or last bin.
     *
     * @param values the activation's values
     */
    public void observe(float[] values) {
        int last = bins.length - 1;
        double lo = range.min();
        for (float v : values) {
            int b = width > 0 ? (int) ((v - lo) / width) : 0;
            bins[b < 0 ? 0 : Math.min(b, last)]++;
        }
        count += values.length;
    }

    /**
     * The range between two percentiles: the lower bound is where {@code 100 - percentile}
     * percent of the values lie below, the upper bound where {@code percentile} percent lie at or
     * below, each at the outer edge of its bin (so nothing within a bin is clipped).
     *
     * @param percentile in (50, 100]; 100 gives the min-max range
     * @return the clipped range
     * @throws IllegalArgumentException if the percentile is out of range
     * @throws IllegalStateException if nothing was observed
     */
    public TensorRange percentileRange(double percentile) {
        if (!(percentile > 50 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in (50, 100], got " + percentile);
        }
        if (count == 0) {
            throw new IllegalStateException("the histogram is empty");
        }
        if (percentile == 100 || width == 0) {
            return range;
        }
        // Values allowed to saturate at each end.
        double tail = count * (100 - percentile) / 100;
        long below = 0;
        int first = 0;
        while (first < bins.length - 1 && below + bins[first] <= tail) {
            below += bins[first++];
        }
        long above = 0;
        int last = bins.length - 1;
        while (last > first && above + bins[last] <= tail) {
            above += bins[last--];
        }
        float lo = (float) (range.min() + first * width);
        float hi = last == bins.length - 1 ? range.max() : (float) (range.min() + (last + 1) * width);
        return new TensorRange(Math.max(range.min(), lo), Math.min(range.max(), Math.max(hi, lo)));
    }
}
