package dev.asnet.bench;

import dev.asnet.bench.latency.Stats;
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

    /** The nearest-rank q-quantile (0..1) in milliseconds; NaN without samples. */
    double quantileMs(double q) {
        double[] ms = new double[size];
        for (int i = 0; i < size; i++) {
            ms[i] = values[i] / 1e6;
        }
        return Stats.quantile(ms, q);
    }

    double medianMs() {
        return quantileMs(0.5);
    }

    double p90Ms() {
        return quantileMs(0.9);
    }
}
