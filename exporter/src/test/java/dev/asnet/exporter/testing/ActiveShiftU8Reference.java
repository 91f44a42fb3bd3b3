package dev.asnet.exporter.testing;

/**
 * A plain reference of the uint8 Active Shift ({@code dev.asnet::ActiveShiftU8}, NCHW), written
 * straight from its rounding rule (docs/op-contract.md) in Java's strict float32 arithmetic, so a
 * native kernel must match it byte for byte: per tap {@code d = q - zp} (0 outside the image),
 * ActiveShift's float32 weights, {@code acc = ((w00*d00 + w01*d01) + w10*d10) + w11*d11} with every
 * product and sum rounded to float, {@code y = clamp(zp + rint(acc), 0, 255)} ({@link Math#rint}
 * rounds half to even).
 */
public final class ActiveShiftU8Reference {
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
                float fx = split(shift[2 * ch], w, baseX);
                float fy = split(shift[2 * ch + 1], h, baseY);
                float ax = 1f - fx;
                float ay = 1f - fy;
                float w00 = ax * ay;
                float w01 = fx * ay;
                float w10 = ax * fy;
                float w11 = fx * fy;
                int plane = (b * c + ch) * h * w;
                for (int i = 0; i < oh; i++) {
                    long r = i * sh + baseY[0];
                    for (int j = 0; j < ow; j++) {
                        long q = j * sw + baseX[0];
                        float acc = w00 * d(x, plane, r, q, h, w, zeroPoint) + w01 * d(x, plane, r, q + 1, h, w, zeroPoint);
                        acc = acc + w10 * d(x, plane, r + 1, q, h, w, zeroPoint);
                        acc = acc + w11 * d(x, plane, r + 1, q + 1, h, w, zeroPoint);
                        int v = zeroPoint + (int) Math.rint(acc);
                        y[((b * c + ch) * oh + i) * ow + j] = Math.max(0, Math.min(255, v));
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

    private static float d(int[] x, int plane, long r, long q, int h, int w, int zp) {
        if (r < 0 || r >= h || q < 0 || q >= w) {
            return 0f;
        }
        return x[plane + (int) r * w + (int) q] - zp;
    }
}
