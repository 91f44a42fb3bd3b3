package dev.asnet.exporter.testing;

import java.util.Arrays;

/**
 * Checks one ActiveShift implementation (a native kernel, a lowering, a whole session) on one case
 * against {@link ActiveShiftReference}, in the style of XNNPACK's operator testers: describe the
 * case with the builder methods, then hand the code under test to {@link #testForward} or
 * {@link #testGradient}. The tester draws the inputs from its seed, runs the reference, and fails
 * with the first element that is off, naming its index, its (n, c, row, column) and the case.
 *
 * <pre>{@code
 * new ActiveShiftTester().batch(2).channels(3).height(7).width(9).strides(2, 1).shiftRange(2.5).seed(11)
 *         .testForward((x, shift) -> runMyKernel(x, shift));
 * }</pre>
 *
 * <p>Inputs: X uniform in [-1, 1), dY uniform in [-1, 1), shifts uniform in [-range, range)
 * (rounded to integers with {@link #integerShifts}) unless {@link #shifts} gives them; every value
 * is exactly representable as float, so the float copies the kernel gets are the reference's
 * inputs. Results pass when {@code |want - got| <= tolerance * max(1, max |want|)}; dShift sums
 * N*OH*OW terms, so its limit is also scaled by the square root of that count.
 */
public final class ActiveShiftTester {
    /** The forward under test. */
    @FunctionalInterface
    public interface Forward {
        /**
         * Computes Y.
         *
         * @param x X as [N, C, H, W]
         * @param shift the shifts as [C, 2] (x, y) pairs
         * @return Y as [N, C, OH, OW]
         * @throws Exception if the implementation fails
         */
        float[] run(float[] x, float[] shift) throws Exception;
    }

    /** The gradient under test. */
    @FunctionalInterface
    public interface Gradient {
        /**
         * Computes dX and dShift.
         *
         * @param dy dY as [N, C, OH, OW]
         * @param x X as [N, C, H, W]
         * @param shift the shifts as [C, 2] (x, y) pairs
         * @return {dX, dShift}
         * @throws Exception if the implementation fails
         */
        float[][] run(float[] dy, float[] x, float[] shift) throws Exception;
    }

    private int batch = 1;
    private int channels = 1;
    private int height = 1;
    private int width = 1;
    private long strideH = 1;
    private long strideW = 1;
    private double shiftRange = 2.0;
    private boolean integerShifts;
    private double[] shifts;
    private long seed = 1;
    private double tolerance = 1e-5;

    /**
     * @param n the batch size N (default 1)
     * @return this
     */
    public ActiveShiftTester batch(int n) {
        this.batch = n;
        return this;
    }

    /**
     * @param c the channel count C (default 1)
     * @return this
     */
    public ActiveShiftTester channels(int c) {
        this.channels = c;
        return this;
    }

    /**
     * @param h the input height H (default 1)
     * @return this
     */
    public ActiveShiftTester height(int h) {
        this.height = h;
        return this;
    }

    /**
     * @param w the input width W (default 1)
     * @return this
     */
    public ActiveShiftTester width(int w) {
        this.width = w;
        return this;
    }

    /**
     * @param sh stride along H, any value >= 1 (default 1)
     * @param sw stride along W, any value >= 1 (default 1)
     * @return this
     */
    public ActiveShiftTester strides(long sh, long sw) {
        this.strideH = sh;
        this.strideW = sw;
        return this;
    }

    /**
     * @param range drawn shifts lie in [-range, range) (default 2)
     * @return this
     */
    public ActiveShiftTester shiftRange(double range) {
        this.shiftRange = range;
        return this;
    }

    /**
     * @param integer whether drawn shifts are rounded to integers, where only one tap has weight
     * @return this
     */
    public ActiveShiftTester integerShifts(boolean integer) {
        this.integerShifts = integer;
        return this;
    }

    /**
     * Fixed shifts instead of drawn ones, for a test that needs particular values (or has already
     * built them into a model); each is rounded to float.
     *
     * @param shift [C, 2] as (x, y) pairs
     * @return this
     */
    public ActiveShiftTester shifts(double... shift) {
        this.shifts = TestArrays.toDouble(TestArrays.toFloat(shift));
        return this;
    }

    /**
     * Fixed shifts instead of drawn ones.
     *
     * @param shift [C, 2] as (x, y) pairs
     * @return this
     */
    public ActiveShiftTester shifts(float[] shift) {
        this.shifts = TestArrays.toDouble(shift);
        return this;
    }

    /**
     * @param s the seed of X (s), the drawn shifts (s + 1) and dY (s + 2) (default 1)
     * @return this
     */
    public ActiveShiftTester seed(long s) {
        this.seed = s;
        return this;
    }

    /**
     * @param tol the relative limit (default 1e-5)
     * @return this
     */
    public ActiveShiftTester tolerance(double tol) {
        this.tolerance = tol;
        return this;
    }

    /** @return the batch size */
    public int batch() {
        return batch;
    }

    /** @return the channel count */
    public int channels() {
        return channels;
    }

    /** @return the input height */
    public int height() {
        return height;
    }

    /** @return the input width */
    public int width() {
        return width;
    }

    /** @return the stride along H */
    public long strideH() {
        return strideH;
    }

    /** @return the stride along W */
    public long strideW() {
        return strideW;
    }

    /** @return the reference for this shape and these strides */
    public ActiveShiftReference reference() {
        return new ActiveShiftReference(batch, channels, height, width, strideH, strideW);
    }

    /** @return X's shape [N, C, H, W] */
    public long[] inputShape() {
        return new long[] {batch, channels, height, width};
    }

    /** @return the shift tensor's shape [C, 2] */
    public long[] shiftShape() {
        return new long[] {channels, 2};
    }

    /** @return Y's (and dY's) shape [N, C, OH, OW] */
    public long[] outputShape() {
        ActiveShiftReference r = reference();
        return new long[] {batch, channels, r.outH(), r.outW()};
    }

    /** @return X, drawn from the seed */
    public double[] x() {
        return TestArrays.uniform(batch * channels * height * width, 1.0, seed);
    }

    /** @return the shifts: the fixed ones, or drawn from the seed */
    public double[] shift() {
        if (shifts != null) {
            return shifts.clone();
        }
        double[] s = TestArrays.uniform(2 * channels, shiftRange, seed + 1);
        if (integerShifts) {
            for (int i = 0; i < s.length; i++) {
                s[i] = Math.rint(s[i]);
            }
        }
        return s;
    }

    /** @return dY, drawn from the seed */
    public double[] dy() {
        ActiveShiftReference r = reference();
        return TestArrays.uniform(batch * channels * r.outH() * r.outW(), 1.0, seed + 2);
    }

    /**
     * Runs the forward under test on this case and compares Y with the reference.
     *
     * @param forward the implementation
     * @return the Y it gave
     * @throws Exception what the implementation throws
     * @throws AssertionError at the first element off by more than the tolerance
     */
    public float[] testForward(Forward forward) throws Exception {
        double[] want = reference().run(x(), shift(), null).y();
        float[] got = forward.run(TestArrays.toFloat(x()), TestArrays.toFloat(shift()));
        check("Y", want, got, tolerance, outputShape());
        return got;
    }

    /**
     * Runs the gradient under test on this case and compares dX and dShift with the reference.
     *
     * @param gradient the implementation
     * @throws Exception what the implementation throws
     * @throws AssertionError at the first element off by more than the tolerance
     */
    public void testGradient(Gradient gradient) throws Exception {
        ActiveShiftReference r = reference();
        ActiveShiftReference.Result want = r.run(x(), shift(), dy());
        float[][] got = gradient.run(TestArrays.toFloat(dy()), TestArrays.toFloat(x()), TestArrays.toFloat(shift()));
        check("dX", want.dx(), got[0], tolerance, inputShape());
        double terms = Math.max(1, (double) batch * r.outH() * r.outW());
        check("dShift", want.dshift(), got[1], tolerance * Math.sqrt(terms), shiftShape());
    }

    /**
     * {@link #testForward} and then {@link #testGradient}.
     *
     * @param forward the forward implementation
     * @param gradient the gradient implementation
     * @return the Y the forward gave
     * @throws Exception what the implementations throw
     */
    public float[] test(Forward forward, Gradient gradient) throws Exception {
        float[] y = testForward(forward);
        testGradient(gradient);
        return y;
    }

    private void check(String what, double[] want, float[] got, double tol, long[] shape) {
        if (want.length != got.length) {
            throw new AssertionError(what + " has " + got.length + " values, want " + want.length + "; " + this);
        }
        double scale = 1.0;
        for (double v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        double limit = tol * scale;
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(want[i] - got[i]);
            if (!(err <= limit)) {  // a NaN fails too
                throw new AssertionError(what + " at " + i + " " + Arrays.toString(coordinates(i, shape)) + ": got "
                        + got[i] + ", want " + want[i] + " (|diff| " + err + " > " + limit + "); " + this);
            }
        }
    }

    /** The row-major coordinates of a flat index. */
    private static long[] coordinates(long index, long[] shape) {
        long[] at = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            at[d] = index % shape[d];
            index /= shape[d];
        }
        return at;
    }

    /** The case, for failure messages: shape, strides, shifts and seed. */
    @Override
    public String toString() {
        String shift = shifts != null ? "shifts " + Arrays.toString(shifts)
                : "shifts in [-" + shiftRange + ", " + shiftRange + ")" + (integerShifts ? " rounded" : "");
        return "X [" + batch + ", " + channels + ", " + height + ", " + width + "] strides [" + strideH + ", " + strideW
                + "] " + shift + " seed " + seed;
    }
}
