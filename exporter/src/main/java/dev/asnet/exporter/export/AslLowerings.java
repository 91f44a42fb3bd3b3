package dev.asnet.exporter.export;

import dev.asnet.exporter.ir.IrException;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.ConvOptions;
import dev.asnet.exporter.ops.GraphBuilder;

/**
 * The standard-ONNX forms of an Active Shift layer ({@link AslLowering#PORTABLE} and {@link
 * AslLowering#DEPTHWISE}). Each method emits nodes into a builder and returns the value equal to
 * {@code ActiveShift(x, shift, strides)}.
 */
public final class AslLowerings {
    private AslLowerings() {}

    /**
     * GridSample form. With {@code align_corners = 0}, GridSample reads pixel column {@code p} at
     * normalized {@code g = (2p + 1) / W - 1}; ASL output column {@code j} of channel {@code c}
     * reads {@code p = j * sw + x_c}, so {@code g = base_j + x_c * 2 / W}. The grid is
     * {@code base [1, Ho, Wo, 2] + reshape(shift, [C, 1, 1, 2]) * [2/W, 2/H]}; ONNX Runtime folds
     * it to a constant when the shift is an initializer. GridSample's grid batch is one per
     * image, so the channels are moved onto the batch axis around it, which keeps the real batch
     * size free. Bilinear sampling with zero padding masks each tap, exactly like ASL.
     *
     * @param b the builder
     * @param name prefix for node names (the ASL node's name)
     * @param x input [N, C, H, W] with known H and W
     * @param shift shifts [C, 2]
     * @param sh stride along H
     * @param sw stride along W
     * @param opsetVersion the target opset: GridSample's bilinear mode is called {@code bilinear}
     *     before opset 20 and {@code linear} from opset 20 on
     * @return the shifted output [N, C, ceil(H/sh), ceil(W/sw)]
     */
    public static Value portable(GraphBuilder b, String name, Value x, Value shift, long sh, long sw, int opsetVersion) {
        Shape s = x.shape();
        if (!s.dim(2).isKnown() || !s.dim(3).isKnown()) {
            throw new IrException("ActiveShift node '" + name + "': the portable lowering needs a known height and width but X is "
                    + s);
        }
        int h = (int) s.dim(2).value();
        int w = (int) s.dim(3).value();
        int oh = (h + (int) sh - 1) / (int) sh;
        int ow = (w + (int) sw - 1) / (int) sw;
        float[] base = new float[oh * ow * 2];
        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                base[(i * ow + j) * 2] = (float) ((2.0 * j * sw + 1) / w - 1);
                base[(i * ow + j) * 2 + 1] = (float) ((2.0 * i * sh + 1) / h - 1);
            }
        }
        Value baseGrid = b.constant(null, Tensor.ofFloats(base, 1, oh, ow, 2));
        Value scale = b.constant(null, Tensor.ofFloats(new float[] {2f / w, 2f / h}, 2));
        Value perChannel = b.reshape(name + ".shift_4d", shift, -1, 1, 1, 2);
        Value grid = b.add(name + ".grid", b.mul(name + ".shift_scaled", perChannel, scale), baseGrid);
        Value cnhw = b.transpose(name + ".to_cnhw", x, 1, 0, 2, 3);
        Value sampled = b.gridSample(name + ".sample", cnhw, grid, opsetVersion >= 20 ? "linear" : "bilinear", "zeros",
                false);
        return b.transpose(name, sampled, 1, 0, 2, 3);
    }

    /**
     * Rejects NaN or infinite shifts (a diverged training run), naming the channel.
     *
     * @param name the ASL node's name
     * @param shifts [C, 2] values
     * @throws IrException for the first non-finite shift
     */
    public static void requireFinite(String name, float[] shifts) {
        for (int i = 0; i < shifts.length; i++) {
            if (!Float.isFinite(shifts[i])) {
                throw new IrException("ActiveShift node '" + name + "': shift of channel " + i / 2 + " is not finite ("
                        + (i % 2 == 0 ? "x" : "y") + " = " + shifts[i] + "); the model cannot be exported");
            }
        }
    }

    /**
     * The smallest radius r with {@code |shift| <= r} for every shift.
     *
     * @param shifts [C, 2] values
     * @return r
     */
    public static int radius(float[] shifts) {
        double max = 0;
        for (float v : shifts) {
            max = Math.max(max, Math.abs(v));
        }
        return (int) Math.ceil(max);
    }

    /**
     * The depthwise kernel equal to ASL for shifts within radius r: channel c gets its four
     * bilinear weights at rows {@code floor(y_c) + r + {0, 1}} and columns
     * {@code floor(x_c) + r + {0, 1}} of a {@code (2r+1)^2} kernel. A tap that falls outside the
     * kernel (only when the shift equals r exactly) has weight 0 and is dropped.
     *
     * @param shifts [C, 2] values as (x, y)
     * @param r the radius, at least {@link #radius}
     * @return the weight [C, 1, 2r+1, 2r+1]
     */
    public static Tensor depthwiseKernel(float[] shifts, int r) {
        int c = shifts.length / 2;
        int k = 2 * r + 1;
        float[] kernel = new float[c * k * k];
        for (int ch = 0; ch < c; ch++) {
            double sx = shifts[2 * ch];
            double sy = shifts[2 * ch + 1];
            double fx = Math.floor(sx);
            double fy = Math.floor(sy);
            double ax = sx - fx;
            double ay = sy - fy;
            double[][] wt = {{(1 - ay) * (1 - ax), (1 - ay) * ax}, {ay * (1 - ax), ay * ax}};
            for (int a = 0; a < 2; a++) {
                for (int bb = 0; bb < 2; bb++) {
                    int row = (int) fy + r + a;
                    int col = (int) fx + r + bb;
                    if (row < 0 || row >= k || col < 0 || col >= k) {
                        if (wt[a][bb] != 0) {
                            throw new IllegalArgumentException("shift (" + sx + ", " + sy + ") of channel " + ch
                                    + " does not fit radius " + r);
                        }
                        continue;
                    }
                    kernel[(ch * k + row) * k + col] += (float) wt[a][bb];
                }
            }
        }
        return Tensor.ofFloats(kernel, c, 1, k, k);
    }

    /**
     * Depthwise-conv form.
     *
     * @param b the builder
     * @param name the Conv node's name (the ASL node's name)
     * @param x input [N, C, H, W]
     * @param shifts the shift values [C, 2]
     * @param sh stride along H
     * @param sw stride along W
     * @param maxRadius the largest radius allowed
     * @return the shifted output
     * @throws IrException if the shifts need a radius above {@code maxRadius}, naming the channel
     */
    public static Value depthwise(GraphBuilder b, String name, Value x, Tensor shifts, long sh, long sw, int maxRadius) {
        float[] s = shifts.floats();
        requireFinite(name, s);
        int r = radius(s);
        if (r > maxRadius) {
            int worst = 0;
            for (int i = 1; i < s.length; i++) {
                if (Math.abs(s[i]) > Math.abs(s[worst])) {
                    worst = i;
                }
            }
            throw new IrException("ActiveShift node '" + name + "': the depthwise lowering needs radius " + r
                    + " (|shift| = " + Math.abs(s[worst]) + " in channel " + worst / 2 + ") but the limit is " + maxRadius
                    + "; raise ExportOptions maxRadius or use the custom or portable lowering");
        }
        int c = s.length / 2;
        Value kernel = b.parameter(null, depthwiseKernel(s, r));
        return b.conv(name, x, kernel, null,
                ConvOptions.builder().optStrides(sh, sw).optPad(r).optGroups(c).build());
    }
}
