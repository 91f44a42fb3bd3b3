package dev.asnet.models;

import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.PoolOptions;

/**
 * ShiftNet-A/B/C for ImageNet (Wu et al. 2018). <b>Approximations</b>: the paper's layer tables
 * were not available, so this is a documented guess sized to the published parameter counts
 * (4.1 / 1.1 / 0.78 M), following a public re-implementation's outline of ShiftNet-A.
 *
 * <p>Layout: a 7x7 stride-2 stem conv to 32 channels with BN-ReLU, a 3x3 stride-2 max-pool, then
 * four stages of 5, 6, 7, 3 CSC modules (the first module of stages 2-4 at stride 2) with shift
 * kernels 5, 5, 3, 3, and a global-pool, fully connected head. A CSC module is
 * {@code 1x1 conv (in -> E*w) -> BN -> ReLU -> shift (k x k integer groups) -> 1x1 conv (E*w -> w,
 * carrying the stride) -> BN -> + shortcut -> ReLU}, the shortcut a stride-s 1x1 conv with BN
 * when the size changes.
 * <ul>
 *   <li>A: widths 64/128/256/512, E = 1.25 (3.91 M params, 0.80 G MACs; published 4.1 M, 1.4 G);</li>
 *   <li>B: widths 32/64/128/256, E = 1.25 (1.11 M params; published 1.1 M, 371 M MACs);</li>
 *   <li>C: widths 32/64/128/256, E = 0.75 (0.79 M params; published 0.78 M).</li>
 * </ul>
 * The MAC counts of A and B come out lower than published; the parameter counts match.
 */
public final class ShiftNet implements Architecture {
    /** The three published sizes. */
    public enum Variant {
        /** The largest: widths 64-512. */
        A(new int[] {64, 128, 256, 512}, 1.25),
        /** Widths 32-256. */
        B(new int[] {32, 64, 128, 256}, 1.25),
        /** Widths 32-256 with a narrower expansion. */
        C(new int[] {32, 64, 128, 256}, 0.75);

        private final int[] widths;
        private final double expansion;

        Variant(int[] widths, double expansion) {
            this.widths = widths;
            this.expansion = expansion;
        }
    }

    private static final int STEM = 32;
    private static final int[] DEPTHS = {5, 6, 7, 3};
    private static final int[] SHIFT_KERNELS = {5, 5, 3, 3};
    private static final int[] STRIDES = {1, 2, 2, 2};

    private final Variant variant;

    /**
     * @param variant A, B or C
     */
    public ShiftNet(Variant variant) {
        this.variant = variant;
    }

    @Override
    public String name() {
        return "shiftnet-" + variant.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String description() {
        return "ShiftNet-" + variant + " for ImageNet (approximation: layout chosen to match the published size)";
    }

    @Override
    public ModelConfig defaultConfig() {
        return ModelConfig.imagenet();
    }

    @Override
    public Model build(ModelConfig config) {
        LayerBuilder l = new LayerBuilder(name(), config);
        Value x = l.bnRelu("stem.bn", l.conv("stem.conv", l.input(), STEM, 7, 2, 3, 1));
        x = l.ops().maxPool("stem.pool", x, PoolOptions.builder().setKernel(3, 3).optStride(2).optPad(1).build());
        for (int s = 0; s < DEPTHS.length; s++) {
            for (int i = 0; i < DEPTHS[s]; i++) {
                x = csc(l, "stage" + s + ".block" + i, x, variant.widths[s], i == 0 ? STRIDES[s] : 1, SHIFT_KERNELS[s]);
            }
        }
        return l.finish(l.classifier(x));
    }

    private Value csc(LayerBuilder l, String name, Value x, int width, int stride, int kernel) {
        int in = LayerBuilder.channels(x);
        int mid = (int) Math.round(variant.expansion * width);
        Value h = l.bnRelu(name + ".bn1", l.pointwise(name + ".conv1", x, mid, 1));
        h = l.fixedShift(name + ".shift", h, kernel, 1);
        h = l.batchNorm(name + ".bn2", l.pointwise(name + ".conv2", h, width, stride));
        Value shortcut = x;
        if (stride != 1 || in != width) {
            shortcut = l.batchNorm(name + ".shortcut_bn", l.pointwise(name + ".shortcut", x, width, stride));
        }
        return l.ops().relu(name + ".relu", l.ops().add(name + ".add", h, shortcut));
    }
}
