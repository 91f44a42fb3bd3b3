package dev.asnet.exporter.quantize;

import dev.asnet.exporter.ops.AsnetDomain;

/**
 * The per-channel uint8 affine op the quantizer writes for a BatchNormalization that cannot fold
 * into a convolution, {@code dev.asnet::ChannelAffineU8(X, multiplier, offset, shift) -> Y} ({@link
 * AsnetDomain#CHANNEL_AFFINE_U8}): X and Y uint8 {@code [N, C, ...]}, multiplier, offset and shift
 * int32 {@code [C]}, attribute {@code y_min}; by the op contract's exact rule {@code y = min(255,
 * max(y_min, (multiplier[c] * x + offset[c]) >> shift[c]))} ({@link #apply}).
 *
 * <p>{@link #fold} turns "dequantize, {@code w[c] * x + b[c]}, optional ReLU, quantize" into those
 * integers: with input scale and zero point {@code (sx, zx)} and output {@code (so, zo)} the real
 * map is {@code q -> a[c] * q + d[c]} with {@code a = w * sx / so} and {@code d = (b - w * sx * zx)
 * / so + zo}; multiplier {@code round(a * 2^k)}, offset {@code round((d + 1/2) * 2^k)} (so that the
 * shift's floor rounds half up), {@code y_min = zo} with the ReLU (real 0) or 0, and k, per
 * channel, the largest shift in [0, 30] for which the channel's products fit int32 (typically 20 or
 * more: the result is within {@code 1/2 + 256 * 2^-k} steps of the exact real value). An offset beyond where the
 * output saturates for every input is first clamped to it, which changes no output byte.
 */
public final class ChannelAffineU8 {
    /** The op type. */
    public static final String OP_TYPE = AsnetDomain.CHANNEL_AFFINE_U8;
    /** The largest shift the op accepts. */
    public static final int MAX_SHIFT = 30;

    /**
     * The op's constant inputs and attributes.
     *
     * @param multiplier one per channel
     * @param offset one per channel
     * @param shift one per channel, each in [0, 30]
     * @param yMin the lower clamp, in [0, 255]
     */
    public record Params(int[] multiplier, int[] offset, int[] shift, int yMin) {}

    private ChannelAffineU8() {}

    /**
     * The op's rule for one element: the reference of the native kernels.
     *
     * @param p the parameters (within the op's bounds)
     * @param c the channel
     * @param x the input byte, in [0, 255]
     * @return the output byte, in [0, 255]
     */
    public static int apply(Params p, int c, int x) {
        int v = (p.multiplier[c] * x + p.offset[c]) >> p.shift[c];
        return Math.min(255, Math.max(p.yMin, v));
    }

    /**
     * Folds a per-channel affine map between a quantized input and a quantized output.
     *
     * @param w the per-channel factor (a BatchNormalization's {@code scale / sqrt(var + eps)})
     * @param b the per-channel bias ({@code B - mean * w})
     * @param in the input's quantization (uint8)
     * @param out the output's quantization (uint8)
     * @param relu whether a ReLU follows the map (then {@code y_min} is the output's zero point)
     * @return the op's parameters
     * @throws IllegalArgumentException if the arrays differ in length or hold a non-finite value
     */
    public static Params fold(float[] w, float[] b, QuantParams in, QuantParams out, boolean relu) {
        if (w.length != b.length) {
            throw new IllegalArgumentException("w has " + w.length + " channels but b has " + b.length);
        }
        int c = w.length;
        int[] m = new int[c];
        int[] o = new int[c];
        int[] k = new int[c];
        for (int i = 0; i < c; i++) {
            if (!Float.isFinite(w[i]) || !Float.isFinite(b[i])) {
                throw new IllegalArgumentException("channel " + i + " has a non-finite factor or bias (" + w[i] + ", "
                        + b[i] + ")");
            }
            double a = (double) w[i] * in.scale() / out.scale();
            double d = ((double) b[i] - (double) w[i] * in.scale() * in.zeroPoint()) / out.scale() + out.zeroPoint();
            // Beyond +-(256 + 255 |a|) every input saturates the same way: clamping changes nothing.
            double lim = 256 + 255 * Math.abs(a);
            d = Math.max(-lim, Math.min(lim, d));
            double bound = 255 * Math.abs(a) + Math.abs(d) + 1;
            // The largest shift with the channel's products (plus rounding) inside int32.
            int s = MAX_SHIFT;
            while (s > 0 && bound * Math.scalb(1.0, s) > Integer.MAX_VALUE - 2) {
                s--;
            }
            if (bound * Math.scalb(1.0, s) > Integer.MAX_VALUE - 2) {
                throw new IllegalArgumentException("channel " + i + ": the factor is too large for int32 arithmetic "
                        + "(|a| * 255 + |d| = " + bound + ")");
            }
            double unit = Math.scalb(1.0, s);
            m[i] = (int) Math.rint(a * unit);
            o[i] = (int) Math.floor((d + 0.5) * unit + 0.5);
            k[i] = s;
        }
        return new Params(m, o, k, relu ? out.zeroPoint() : 0);
    }
}
