package dev.asnet.exporter.testing;

/**
 * A plain reference of the uint8 Active Shift ({@code dev.asnet::ActiveShiftU8}, NCHW), written
 * straight from its integer rule (docs/op-contract.md), so a native kernel must match it byte for
 * byte: ActiveShift's float32 fractions {@code fx, fy} rounded to integers {@code X = floor(fx *
 * 2^14 + 1/2)}, {@code Y} likewise; weights {@code w00 = ((2^14 - X)(2^14 - Y) + 2^13) >> 14},
 * {@code w01 = (2^14 - Y) - w00}, {@code w10 = ((2^14 - X) Y + 2^13) >> 14}, {@code w11 = Y - w10}
 * (summing to 2^14); {@code y = (w00 q00 + w01 q01 + w10 q10 + w11 q11 + 2^13) >> 14} with taps
 * outside the image reading the zero point.
 */
public final class ActiveShiftU8Reference {
    /** Fraction bits of the weights: they sum to {@code 2^BITS}. */
    private static final int BITS = 14;
    private static final long ONE = 1L << BITS;

    private ActiveShiftU8Reference() {}

    /**
     * Runs the op.
     *
     * @param x input {@code [N, C, H, W]} as unsigned bytes (0..255)
     * @param shape {@code N, C, H, W}
     * @param shift {@code [C, 2]} as (x, y) pairs
     * @param sh stride along H (>= 1)
     * @param sw stride along W (>= 1)
     * @param zeroPoint the zero point, 0..255
     * @return Y {@code [N, C, ceil(H/sh), ceil(W/sw)]}, unsigned bytes as ints
     */
    public static int[] run(int[] x, int[] shape, float[] shift, long sh, long sw, int zeroPoint) {
        int n = shape[0];
        int c = shape[1];
        int h = shape[2];
        int w = shape[3];
        int oh = ActiveShiftReference.outSize(h, sh);
        int ow = ActiveShiftReference.outSize(w, sw);
        int[] y = new int[Math.multiplyExact(Math.multiplyExact(n, c), Math.multiplyExact(oh, ow))];
        for (int b = 0; b < n; b++) {
            for (int ch = 0; ch < c; ch++) {
                long[] baseX = new long[1];
                long[] baseY = new long[1];
                long qx = quantize(split(shift[2 * ch], w, baseX));
                long qy = quantize(split(shift[2 * ch + 1], h, baseY));
                long w00 = ((ONE - qx) * (ONE - qy) + ONE / 2) >> BITS;
                long w01 = (ONE - qy) - w00;
                long w10 = ((ONE - qx) * qy + ONE / 2) >> BITS;
                long w11 = qy - w10;
                if (w00 < 0 || w01 < 0 || w10 < 0 || w11 < 0) {
                    throw new AssertionError("negative weight for channel " + ch + ": " + w00 + " " + w01 + " " + w10 + " " + w11);
                }
                int plane = (b * c + ch) * h * w;
                for (int i = 0; i < oh; i++) {
                    long r = i * sh + baseY[0];
                    for (int j = 0; j < ow; j++) {
                        long q = j * sw + baseX[0];
                        long sum = w00 * tap(x, plane, r, q, h, w, zeroPoint) + w01 * tap(x, plane, r, q + 1, h, w, zeroPoint)
                                + w10 * tap(x, plane, r + 1, q, h, w, zeroPoint)
                                + w11 * tap(x, plane, r + 1, q + 1, h, w, zeroPoint);
                        long v = (sum + ONE / 2) >> BITS;
                        if (v < 0 || v > 255) {
                            throw new AssertionError("output " + v + " out of range for channel " + ch);
                        }
                        y[((b * c + ch) * oh + i) * ow + j] = (int) v;
                    }
                }
            }
        }
        return y;
    }

    /** The fraction of a shift along an axis of {@code extent} pixels; its floor goes to base[0]. */
    private static float split(float s, int extent, long[] base) {
        float limit = (float) (2L * extent + 2);
        float v = Math.max(-limit, Math.min(limit, s));
        float f = (float) Math.floor(v);
        base[0] = (long) f;
        return v - f;
    }

    /** A fraction in [0, 1] as an integer in [0, 2^14], rounded half up ({@code fx * 2^14} is exact). */
    private static long quantize(float frac) {
        return (long) Math.floor((double) (frac * (float) ONE) + 0.5);
    }

    /** The byte at (r, q), or the zero point outside the image. */
    private static long tap(int[] x, int plane, long r, long q, int h, int w, int zp) {
        if (r < 0 || r >= h || q < 0 || q >= w) {
            return zp;
        }
        return x[plane + (int) r * w + (int) q];
    }
}
