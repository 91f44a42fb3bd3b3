package dev.asnet.exporter.ops;

import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Dim;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.ValueType;
import java.util.List;

/** Schemas of the {@code dev.asnet} ops, built from {@link AsnetDomain}. */
public final class AsnetOpSchemas {
    private AsnetOpSchemas() {}

    /**
     * Registers ActiveShift, ActiveShiftGrad and the uint8 ActiveShiftU8 and ChannelAffineU8
     * (quantized models; the channels-last ActiveShiftNhwcU8 and ChannelAffineNhwcU8 only appear in
     * ONNX Runtime's optimized graphs, which asnet never reads into this IR).
     *
     * @param r the registry to fill
     */
    public static void registerAll(OpRegistry r) {
        r.register(builder(AsnetDomain.ACTIVE_SHIFT_U8).setShapeFunction(AsnetOpSchemas::forwardU8).build());
        r.register(builder(AsnetDomain.CHANNEL_AFFINE_U8).setShapeFunction(AsnetOpSchemas::channelAffineU8).build());
        r.register(builder(AsnetDomain.ACTIVE_SHIFT)
                .setShapeFunction(ctx -> List.of(shiftedOutput(ctx, 0, 1))).build());
        r.register(builder(AsnetDomain.ACTIVE_SHIFT_GRAD)
                .setShapeFunction(ctx -> {
                    ValueType y = shiftedOutput(ctx, 1, 2);
                    ctx.requireType(0, DataType.FLOAT);
                    Shape dy = ctx.requireRank(0, 4);
                    for (int i = 0; i < 4; i++) {
                        if (!dy.dim(i).compatible(y.shape().dim(i))) {
                            throw ctx.fail("dY has shape " + dy + " but the forward output is " + y.shape());
                        }
                    }
                    return List.of(ctx.input(1).type(), ctx.input(2).type());
                }).build());
    }

    /**
     * Starts the schema of one {@code dev.asnet} op with the inputs and attributes {@link AsnetDomain}
     * gives it (attributes optional, without a default in the schema), so that schemas and the op
     * contract cannot disagree.
     *
     * @param opType the op's name in {@link AsnetDomain}
     * @return a builder still lacking the shape function
     */
    public static OpSchema.Builder builder(String opType) {
        AsnetDomain.OpSpec op = AsnetDomain.op(opType);
        OpSchema.Builder b = OpSchema.builder(AsnetDomain.DOMAIN, op.name()).setSinceVersion(AsnetDomain.VERSION)
                .addInputs(op.inputs().subList(0, op.requiredInputs()).toArray(String[]::new));
        if (op.requiredInputs() < op.inputs().size()) {
            b.optInputs(op.inputs().subList(op.requiredInputs(), op.inputs().size()).toArray(String[]::new));
        }
        for (AsnetDomain.AttributeSpec a : op.attributes()) {
            b.optAttribute(a.name(), a.type(), null);
        }
        return b;
    }

    /** ChannelAffineU8: X uint8 [N, C, ...], multiplier, offset and shift int32 [C]; Y like X. */
    private static List<ValueType> channelAffineU8(NodeContext ctx) {
        ctx.requireType(0, DataType.UINT8);
        ctx.requireType(1, DataType.INT32);
        ctx.requireType(2, DataType.INT32);
        ctx.requireType(3, DataType.INT32);
        Shape x = ctx.input(0).shape();
        if (x.rank() < 2) {
            throw ctx.fail("X must have rank >= 2 [N, C, ...] but is " + x);
        }
        for (int i = 1; i < 4; i++) {
            Shape p = ctx.requireRank(i, 1);
            if (!p.dim(0).compatible(x.dim(1))) {
                throw ctx.fail(AsnetDomain.op(AsnetDomain.CHANNEL_AFFINE_U8).inputs().get(i) + " must be [C] with C = "
                        + x.dim(1) + " (channels of X " + x + ") but is " + p);
            }
        }
        long yMin = ctx.intAttr(AsnetDomain.Y_MIN, 0);
        if (yMin < 0 || yMin > 255) {
            throw ctx.fail("y_min must be in [0, 255], got " + yMin);
        }
        return List.of(new ValueType(DataType.UINT8, x));
    }

    /** ActiveShiftU8: X uint8 [N, C, H, W], shift float [C, 2], scalar float scale and uint8 zero point. */
    private static List<ValueType> forwardU8(NodeContext ctx) {
        ctx.requireType(0, DataType.UINT8);
        ctx.requireType(1, DataType.FLOAT);
        ctx.requireType(2, DataType.FLOAT);
        ctx.requireType(3, DataType.UINT8);
        Shape x = ctx.requireRank(0, 4);
        Shape s = ctx.requireRank(1, 2);
        if (!s.dim(0).compatible(x.dim(1)) || !s.dim(1).compatible(Dim.of(2))) {
            throw ctx.fail("shift must be [C, 2] with C = " + x.dim(1) + " (channels of X " + x + ") but is " + s);
        }
        ctx.requireRank(2, 0);
        ctx.requireRank(3, 0);
        long[] st = ctx.intsAttr(AsnetDomain.STRIDES, 2, 1, new long[] {1, 1});
        Dim h = x.dim(2).isKnown() ? Dim.of(AsnetDomain.outputExtent(x.dim(2).value(), st[0])) : Dim.unknown();
        Dim w = x.dim(3).isKnown() ? Dim.of(AsnetDomain.outputExtent(x.dim(3).value(), st[1])) : Dim.unknown();
        return List.of(new ValueType(DataType.UINT8, Shape.of(x.dim(0), x.dim(1), h, w)));
    }

    /**
     * The output type of ActiveShift on input slots xi (X, float [N, C, H, W]) and si (shift, float
     * [C, 2]) with the node's strides; fails the node when the inputs do not fit. Also used by
     * training ops that end in a shift.
     *
     * @param ctx the node being inferred
     * @param xi the slot of X
     * @param si the slot of shift
     * @return Y's type
     */
    public static ValueType shiftedOutput(NodeContext ctx, int xi, int si) {
        ctx.requireType(xi, DataType.FLOAT);
        ctx.requireType(si, DataType.FLOAT);
        Shape x = ctx.requireRank(xi, 4);
        Shape s = ctx.requireRank(si, 2);
        if (!s.dim(0).compatible(x.dim(1)) || !s.dim(1).compatible(Dim.of(2))) {
            throw ctx.fail("shift must be [C, 2] with C = " + x.dim(1) + " (channels of X " + x + ") but is " + s);
        }
        long[] st = ctx.intsAttr(AsnetDomain.STRIDES, 2, 1, new long[] {1, 1});
        // outputExtent, not (x + st - 1) / st: the latter overflows for strides near Long.MAX_VALUE.
        Dim h = x.dim(2).isKnown() ? Dim.of(AsnetDomain.outputExtent(x.dim(2).value(), st[0])) : Dim.unknown();
        Dim w = x.dim(3).isKnown() ? Dim.of(AsnetDomain.outputExtent(x.dim(3).value(), st[1])) : Dim.unknown();
        return new ValueType(DataType.FLOAT, Shape.of(x.dim(0), x.dim(1), h, w));
    }
}
