package dev.asnet.models;

import dev.asnet.exporter.ir.Value;

/**
 * The pre-activation AS-ResNet block (docs/asl.md):
 * {@code x -> BN -> ReLU -> conv1x1 (in -> E*w) -> BN -> ReLU -> spatial op (stride s) -> conv1x1
 * (E*w -> w)}, plus a shortcut: the raw input for identity blocks, a stride-s 1x1 conv on the
 * pre-activated input when the stride or width changes. No BN or ReLU between the spatial op and
 * the second conv; convs have no bias.
 */
final class AsResNetBlock {
    private AsResNetBlock() {}

    static Value apply(LayerBuilder l, String name, Value x, int width, int expansion, int stride, SpatialOp op) {
        int in = LayerBuilder.channels(x);
        Value pre = l.bnRelu(name + ".bn1", x);
        Value h = l.pointwise(name + ".conv1", pre, expansion * width, 1);
        h = l.bnRelu(name + ".bn2", h);
        h = op.apply(l, name + (op == SpatialOp.DEPTHWISE_3X3 ? ".dwconv" : ".shift"), h, stride);
        h = l.pointwise(name + ".conv2", h, width, 1);
        Value shortcut = stride != 1 || in != width ? l.pointwise(name + ".shortcut", pre, width, stride) : x;
        return l.ops().add(name + ".add", h, shortcut);
    }
}
