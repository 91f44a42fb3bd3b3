package dev.asnet.models;

import dev.asnet.exporter.ir.Value;

/**
 * The spatial operation between the two 1x1 convs of an AS-ResNet block. Swapping it, with
 * everything else fixed, gives the ablation baselines of the paper.
 */
public enum SpatialOp {
    /** The Active Shift Layer: learned real-valued shifts, 2 parameters per channel. */
    ACTIVE_SHIFT("as-resnet20"),
    /** ShiftNet's shift: fixed integer offsets of a 3x3 neighbourhood, no parameters. */
    FIXED_SHIFT_3X3("shiftresnet20"),
    /** A depthwise 3x3 convolution, 9 parameters per channel. */
    DEPTHWISE_3X3("dwresnet20");

    private final String familyName;

    SpatialOp(String familyName) {
        this.familyName = familyName;
    }

    /**
     * The name prefix of the CIFAR-style networks built with this op.
     *
     * @return such as {@code as-resnet20}
     */
    public String familyName() {
        return familyName;
    }

    /**
     * Applies the op.
     *
     * @param l the layer builder
     * @param name the layer name
     * @param x input
     * @param stride stride on both axes (the spatial op carries the block's stride)
     * @return the output
     */
    Value apply(LayerBuilder l, String name, Value x, int stride) {
        return switch (this) {
            case ACTIVE_SHIFT -> l.activeShift(name, x, stride);
            case FIXED_SHIFT_3X3 -> l.fixedShift(name, x, 3, stride);
            case DEPTHWISE_3X3 -> l.conv(name, x, LayerBuilder.channels(x), 3, stride, 1, LayerBuilder.channels(x));
        };
    }
}
