package dev.asnet.exporter.testing;

/**
 * A plain, double-precision reference of ActiveShift and its gradient, written straight from the
 * definition (docs/asl.md): every output pixel sums its four bilinear taps, and the
 * gradient is the same loop run backwards. Slow on purpose: the one Java reference that the native
 * kernels (onnx-ops) and the standard-ONNX lowerings (exporter, models) are checked against, most
 * often through {@link ActiveShiftTester}. Strides are longs because the op accepts any stride up to
 * {@code Long.MAX_VALUE}.
 */
public final class ActiveShiftReference {
    /** Results of one forward + backward evaluation. */
    public record Result(double[] y, double[] dx, double[] dshift) {}

    private final int n, c, h, w, oh, ow;
    private final long sh, sw;

    /**
     * @param n batch size
     * @param c channels
     * @param h input height
     * @param w input width
     * @param sh stride along H
     * @param sw stride along W
     */
    public ActiveShiftReference(int n, int c, int h, int w, int sh, int sw) {
        this(n, c, h, w, (long) sh, (long) sw);
    }

    /**
     * The same with strides as the model gives them (any value >= 1, up to {@code Long.MAX_VALUE}).
     *
     * @param n batch size
     * @param c channels
     * @param h input height
     * @param w input width
     * @param sh stride along H
     * @param sw stride along W
     */
    public ActiveShiftReference(int n, int c, int h, int w, long sh, long sw) {
        if (sh < 1 || sw < 1) {
            throw new IllegalArgumentException("strides must be >= 1, got " + sh + ", " + sw);
        }
        this.n = n;
        this.c = c;
        this.h = h;
        this.w = w;
        this.sh = sh;
        this.sw = sw;
        this.oh = outSize(h, sh);
        this.ow = outSize(w, sw);
    }

    /** ceil(extent / stride), written so that huge strides cannot overflow (extent + stride - 1 can). */
    public static int outSize(int extent, long stride) {
        return extent == 0 ? 0 : (int) ((extent - 1) / stride + 1);
    }

    /** Output height. */
    public int outH() {
        return oh;
    }

    /** Output width. */
    public int outW() {
        return ow;
    }

    /**
     * Runs forward and, when {@code dy} is not null, backward.
     *
     * @param x input [N,C,H,W]
     * @param shift [C,2] as (x, y) pairs
     * @param dy output gradient [N,C,OH,OW], or null
     * @return Y, and dX and dShift when dy was given
     */
    public Result run(double[] x, double[] shift, double[] dy) {
        double[] y = new double[Math.multiplyExact(Math.multiplyExact(n, c), Math.multiplyExact(oh, ow))];
        double[] dx = new double[x.length];
        double[] ds = new double[2 * c];
        for (int p = 0; p < n * c; p++) {
            int ch = p % c;
            double fx = Math.floor(shift[2 * ch]);
            double fy = Math.floor(shift[2 * ch + 1]);
            double ax = shift[2 * ch] - fx;
            double ay = shift[2 * ch + 1] - fy;
            double[] wt = {(1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay};
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    // i < oh implies i * sh <= h - 1: exact in long and in double.
                    double r = Math.multiplyExact((long) i, sh) + fy;
                    double q = Math.multiplyExact((long) j, sw) + fx;
                    double q11 = at(x, p, r, q);
                    double q21 = at(x, p, r, q + 1);
                    double q12 = at(x, p, r + 1, q);
                    double q22 = at(x, p, r + 1, q + 1);
                    int o = (p * oh + i) * ow + j;
                    y[o] = wt[0] * q11 + wt[1] * q21 + wt[2] * q12 + wt[3] * q22;
                    if (dy == null) {
                        continue;
                    }
                    double g = dy[o];
                    add(dx, p, r, q, wt[0] * g);
                    add(dx, p, r, q + 1, wt[1] * g);
                    add(dx, p, r + 1, q, wt[2] * g);
                    add(dx, p, r + 1, q + 1, wt[3] * g);
                    ds[2 * ch] += g * ((1 - ay) * (q21 - q11) + ay * (q22 - q12));
                    ds[2 * ch + 1] += g * ((1 - ax) * (q12 - q11) + ax * (q22 - q21));
                }
            }
        }
        return new Result(y, dx, ds);
    }

    private double at(double[] x, int p, double r, double q) {
        if (r < 0 || r >= h || q < 0 || q >= w) {
            return 0;
        }
        return x[(p * h + (int) r) * w + (int) q];
    }

    private void add(double[] dx, int p, double r, double q, double v) {
        if (r >= 0 && r < h && q >= 0 && q < w) {
            dx[(p * h + (int) r) * w + (int) q] += v;
        }
    }
}
