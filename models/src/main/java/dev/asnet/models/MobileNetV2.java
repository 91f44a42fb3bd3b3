package dev.asnet.models;

import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Value;

/**
 * MobileNetV2 (Sandler et al. 2018; docs/baselines.md): a 3x3 stride-2 stem to 32 channels,
 * inverted residual blocks {@code (t, c, n, s)} = (1,16,1,1) (6,24,2,2) (6,32,3,2) (6,64,4,2)
 * (6,96,3,1) (6,160,3,2) (6,320,1,1), a 1x1 conv to 1280, global pool and a fully connected
 * layer. Each block: expand 1x1 (absent when t = 1) -> BN -> ReLU6 -> depthwise 3x3 -> BN -> ReLU6
 * -> project 1x1 -> BN, with a residual when the stride is 1 and the width is kept. ReLU6 is
 * written as {@code Clip(x, 0, 6)}.
 *
 * <p>The width multiplier scales the stem and every block with {@link #makeDivisible}; the last
 * conv keeps 1280 channels for multipliers up to 1. The small-input variant (for 32x32 images)
 * runs the stem and the 24-channel group at stride 1.
 */
public final class MobileNetV2 implements Architecture {
    private static final int[][] SETTINGS = {
        {1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2}, {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};

    private final double alpha;
    private final boolean smallInput;

    /**
     * @param alpha the width multiplier
     * @param smallInput the CIFAR-style variant (stem and the 24-channel group at stride 1)
     */
    public MobileNetV2(double alpha, boolean smallInput) {
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("width multiplier must be > 0, got " + alpha);
        }
        this.alpha = alpha;
        this.smallInput = smallInput;
    }

    /**
     * Rounds a channel count to a multiple of 8, at least 8, and never more than 10% below.
     *
     * @param v the scaled channel count
     * @return the rounded count
     */
    public static int makeDivisible(double v) {
        int n = Math.max(8, (int) (v + 4) / 8 * 8);
        if (n < 0.9 * v) {
            n += 8;
        }
        return n;
    }

    @Override
    public String name() {
        return smallInput ? "mobilenetv2-cifar" : "mobilenetv2-" + alpha;
    }

    @Override
    public String description() {
        return smallInput ? "MobileNetV2 1.0, small-input variant (stem and 24-channel group at stride 1)"
                : "MobileNetV2 with width multiplier " + alpha;
    }

    @Override
    public ModelConfig defaultConfig() {
        return smallInput ? ModelConfig.cifar10() : ModelConfig.imagenet();
    }

    @Override
    public Model build(ModelConfig config) {
        LayerBuilder l = new LayerBuilder(name(), config);
        int stem = makeDivisible(32 * alpha);
        Value x = l.conv("stem.conv", l.input(), stem, 3, smallInput ? 1 : 2, 1, 1);
        x = l.ops().relu6("stem.relu6", l.batchNorm("stem.bn", x));
        int block = 0;
        for (int[] s : SETTINGS) {
            int out = makeDivisible(s[1] * alpha);
            for (int i = 0; i < s[2]; i++) {
                int stride = i > 0 || smallInput && s[1] == 24 ? 1 : s[3];
                x = invertedResidual(l, "block" + block++, x, s[0], out, stride);
            }
        }
        int last = alpha > 1 ? makeDivisible(1280 * alpha) : 1280;
        x = l.pointwise("head.conv", x, last, 1);
        x = l.ops().relu6("head.relu6", l.batchNorm("head.bn", x));
        return l.finish(l.classifier(x));
    }

    private static Value invertedResidual(LayerBuilder l, String name, Value x, int t, int out, int stride) {
        int in = LayerBuilder.channels(x);
        int hidden = in * t;
        Value h = x;
        if (t != 1) {
            h = l.pointwise(name + ".expand", h, hidden, 1);
            h = l.ops().relu6(name + ".expand_relu6", l.batchNorm(name + ".expand_bn", h));
        }
        h = l.conv(name + ".dw", h, hidden, 3, stride, 1, hidden);
        h = l.ops().relu6(name + ".dw_relu6", l.batchNorm(name + ".dw_bn", h));
        h = l.batchNorm(name + ".project_bn", l.pointwise(name + ".project", h, out, 1));
        return stride == 1 && in == out ? l.ops().add(name + ".add", h, x) : h;
    }
}
