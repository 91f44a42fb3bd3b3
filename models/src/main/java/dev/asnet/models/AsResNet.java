package dev.asnet.models;

import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Value;

/**
 * AS-ResNet-wW for ImageNet (Jeon and Kim 2018; docs/asl.md): a 3x3 stride-2 conv to width w,
 * then five stages of pre-activation ASL blocks (expansion 1) with 1, 3, 4, 6, 3 blocks of widths
 * w, w, 2w, 4w, 8w, the first block of stages 1-4 sampling with stride 2 in its ASL, and a
 * BN-ReLU, global-average-pool, fully connected head. No max-pool. With w = 32, 50, 68 it has
 * 0.901, 1.963, 3.425 M parameters and 166.8, 397.6, 726.9 M conv+FC MACs at 224x224.
 */
public final class AsResNet implements Architecture {
    private static final int[] BLOCKS = {1, 3, 4, 6, 3};
    private static final int[] WIDTH_FACTORS = {1, 1, 2, 4, 8};
    private static final int[] STRIDES = {1, 2, 2, 2, 2};

    private final int width;

    /**
     * @param width the base width w
     */
    public AsResNet(int width) {
        if (width < 1) {
            throw new IllegalArgumentException("width must be >= 1, got " + width);
        }
        this.width = width;
    }

    @Override
    public String name() {
        return "as-resnet-w" + width;
    }

    @Override
    public String description() {
        return "AS-ResNet-w" + width + " for ImageNet (pre-activation ASL blocks, 1/3/4/6/3 blocks)";
    }

    @Override
    public ModelConfig defaultConfig() {
        return ModelConfig.imagenet();
    }

    @Override
    public Model build(ModelConfig config) {
        LayerBuilder l = new LayerBuilder(name(), config);
        Value x = l.conv("conv0", l.input(), width, 3, 2, 1, 1);
        for (int s = 0; s < BLOCKS.length; s++) {
            for (int i = 0; i < BLOCKS[s]; i++) {
                x = AsResNetBlock.apply(l, "stage" + s + ".block" + i, x, width * WIDTH_FACTORS[s], 1,
                        i == 0 ? STRIDES[s] : 1, SpatialOp.ACTIVE_SHIFT);
            }
        }
        x = l.bnRelu("head.bn", x);
        return l.finish(l.classifier(x));
    }
}
