package dev.asnet.models;

import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Value;

/**
 * The CIFAR-style "WxE" networks with 20 weighted layers (docs/asl.md): a 3x3 conv to W
 * channels, three stages of three pre-activation blocks with widths W, 2W, 4W (stages 2 and 3
 * start with stride 2), expansion E in each block's first 1x1 conv, and a BN-ReLU, global pool,
 * fully connected head. Works for any input size and channel count (32x32x3, 28x28x1, ...).
 *
 * <p>The spatial op in each block is the ASL for {@code as-resnet20-WxE}; the ablation baselines
 * {@code shiftresnet20-WxE} (fixed integer 3x3 shifts, as in ShiftNet) and {@code dwresnet20-WxE}
 * (depthwise 3x3 conv) use the same backbone, so only the spatial op differs.
 */
public final class AsResNet20 implements Architecture {
    private final int width;
    private final int expansion;
    private final SpatialOp op;

    /**
     * @param width W, the first stage's width
     * @param expansion E, the expansion of each block's first 1x1 conv
     * @param op the spatial op of the blocks
     */
    public AsResNet20(int width, int expansion, SpatialOp op) {
        if (width < 1 || expansion < 1) {
            throw new IllegalArgumentException("width and expansion must be >= 1, got " + width + "x" + expansion);
        }
        this.width = width;
        this.expansion = expansion;
        this.op = op;
    }

    @Override
    public String name() {
        return op.familyName() + "-" + width + "x" + expansion;
    }

    @Override
    public String description() {
        return switch (op) {
            case ACTIVE_SHIFT -> "AS-ResNet20 " + width + "x" + expansion + " (CIFAR-style, ASL)";
            case FIXED_SHIFT_3X3 -> "ShiftResNet20 " + width + "x" + expansion
                    + " ablation: the AS-ResNet20 backbone with fixed integer 3x3 shifts";
            case DEPTHWISE_3X3 -> "DW-ResNet20 " + width + "x" + expansion
                    + " ablation: the AS-ResNet20 backbone with a depthwise 3x3 conv";
        };
    }

    @Override
    public ModelConfig defaultConfig() {
        return ModelConfig.cifar10();
    }

    @Override
    public Model build(ModelConfig config) {
        LayerBuilder l = new LayerBuilder(name(), config);
        Value x = l.conv("conv0", l.input(), width, 3, 1, 1, 1);
        int[] widths = {width, 2 * width, 4 * width};
        for (int s = 0; s < 3; s++) {
            for (int i = 0; i < 3; i++) {
                int stride = s > 0 && i == 0 ? 2 : 1;
                x = AsResNetBlock.apply(l, "stage" + s + ".block" + i, x, widths[s], expansion, stride, op);
            }
        }
        x = l.bnRelu("head.bn", x);
        return l.finish(l.classifier(x));
    }
}
