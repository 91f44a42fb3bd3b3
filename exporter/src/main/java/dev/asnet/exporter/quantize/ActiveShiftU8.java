package dev.asnet.exporter.quantize;

import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Dim;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.ValueType;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.ops.OpRegistry;
import dev.asnet.exporter.ops.OpSchema;
import java.util.List;

/**
 * The planned uint8 Active Shift op, {@code dev.asnet::ActiveShiftU8(X, shift, x_scale,
 * x_zero_point) -> Y}: X and Y uint8 {@code [N, C, H, W]} sharing {@code x_scale} (float scalar)
 * and {@code x_zero_point} (uint8 scalar), shift float {@code [C, 2]}, attribute {@code strides} as
 * ActiveShift. {@code Y} is the bilinear sample of X, taps outside the image reading the zero point,
 * rounded half to even. Not yet in the op library or in {@link AsnetDomain}: the schema lives here
 * so the quantizer can emit it ({@link AslQuantization#UINT8}) and graphs holding it can be
 * checked; moving it into {@link AsnetDomain} is part of adding the kernel.
 */
public final class ActiveShiftU8 {
    /** The op type. */
    public static final String OP_TYPE = "ActiveShiftU8";

    private static final OpRegistry REGISTRY = createRegistry();

    private ActiveShiftU8() {}

    /**
     * A registry with every standard op, the {@code dev.asnet} ops and ActiveShiftU8.
     *
     * @return a shared registry (do not modify it)
     */
    public static OpRegistry registry() {
        return REGISTRY;
    }

    private static OpRegistry createRegistry() {
        OpRegistry r = OpRegistry.standard().copy();
        r.register(schema());
        return r;
    }

    /**
     * The op's schema.
     *
     * @return the schema
     */
    public static OpSchema schema() {
        return OpSchema.builder(AsnetDomain.DOMAIN, OP_TYPE).setSinceVersion(AsnetDomain.VERSION)
                .addInputs("X", "shift", "x_scale", "x_zero_point")
                .optAttribute(AsnetDomain.STRIDES, dev.asnet.exporter.ir.AttributeType.INTS, null)
                .setShapeFunction(ctx -> {
                    ctx.requireType(0, DataType.UINT8);
                    ctx.requireType(1, DataType.FLOAT);
                    ctx.requireType(2, DataType.FLOAT);
                    ctx.requireType(3, DataType.UINT8);
                    Shape x = ctx.requireRank(0, 4);
                    Shape s = ctx.requireRank(1, 2);
                    if (!s.dim(0).compatible(x.dim(1)) || !s.dim(1).compatible(Dim.of(2))) {
                        throw ctx.fail("shift must be [C, 2] with C = " + x.dim(1) + " but is " + s);
                    }
                    ctx.requireRank(2, 0);
                    ctx.requireRank(3, 0);
                    long[] st = ctx.intsAttr(AsnetDomain.STRIDES, 2, 1, new long[] {1, 1});
                    Dim h = x.dim(2).isKnown() ? Dim.of((x.dim(2).value() + st[0] - 1) / st[0]) : Dim.unknown();
                    Dim w = x.dim(3).isKnown() ? Dim.of((x.dim(3).value() + st[1] - 1) / st[1]) : Dim.unknown();
                    return List.of(new ValueType(DataType.UINT8, Shape.of(x.dim(0), x.dim(1), h, w)));
                }).build();
    }
}
