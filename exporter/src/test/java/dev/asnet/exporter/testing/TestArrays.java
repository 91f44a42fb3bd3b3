package dev.asnet.exporter.testing;

import java.util.Random;
import java.util.SplittableRandom;

/**
 * Fixed-seed test data and array comparisons, shared by every module's tests (through the
 * exporter's test-jar) so that each of them does not keep its own copy.
 */
public final class TestArrays {
    private TestArrays() {}

    /**
     * Fixed-seed standard normal values.
     *
     * @param seed the seed
     * @param n how many
     * @return the values
     */
    public static float[] randn(long seed, int n) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
        }
        return x;
    }

    /**
     * Fixed-seed values uniform in {@code [-range, range)}, each rounded to float so that a kernel
     * fed the float copy sees exactly the values a double-precision reference sees.
     *
     * @param n how many
     * @param range half the width of the interval
     * @param seed the seed
     * @return the values
     */
    public static double[] uniform(int n, double range, long seed) {
        Random rnd = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) ((rnd.nextDouble() * 2 - 1) * range);
        }
        return v;
    }

    /**
     * The values as floats.
     *
     * @param v values
     * @return a float copy
     */
    public static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    /**
     * The values as doubles.
     *
     * @param v values
     * @return a double copy
     */
    public static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    /**
     * Largest absolute value.
     *
     * @param a values
     * @return max |a|, 0 for no values
     */
    public static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /**
     * Largest absolute difference.
     *
     * @param a values
     * @param b values of the same length
     * @return max |a - b|
     * @throws AssertionError if the lengths differ
     */
    public static double maxAbsDiff(float[] a, float[] b) {
        return maxAbsDiff(toDouble(a), b);
    }

    /**
     * Largest absolute difference between a double-precision reference and float results.
     *
     * @param want reference values
     * @param got values of the same length
     * @return max |want - got|
     * @throws AssertionError if the lengths differ
     */
    public static double maxAbsDiff(double[] want, float[] got) {
        if (want.length != got.length) {
            throw new AssertionError("lengths differ: " + want.length + " vs " + got.length);
        }
        double m = 0;
        for (int i = 0; i < want.length; i++) {
            m = Math.max(m, Math.abs(want[i] - got[i]));
        }
        return m;
    }
}
