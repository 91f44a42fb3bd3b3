package dev.asnet.bench;

import java.util.Arrays;

/** Timing samples of one op in nanoseconds, with order statistics. */
final class Samples {
    private long[] values = new long[64];
    private int size;

    void add(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    int size() {
        return size;
    }

    /** The q-quantile (0..1) in milliseconds, nearest rank. */
    double quantileMs(double q) {
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        int idx = (int) Math.min(size - 1, Math.max(0, Math.ceil(q * size) - 1));
        return sorted[idx] / 1e6;
    }

    double medianMs() {
        return quantileMs(0.5);
    }

    double p90Ms() {
        return quantileMs(0.9);
    }
}
