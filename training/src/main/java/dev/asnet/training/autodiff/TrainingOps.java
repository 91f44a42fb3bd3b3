package dev.asnet.training.autodiff;

import static dev.asnet.exporter.ir.AttributeType.INT;
import static dev.asnet.exporter.ir.AttributeType.INTS;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Dim;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ir.ValueType;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.ops.AsnetOpSchemas;
import dev.asnet.exporter.ops.NodeContext;
import dev.asnet.exporter.ops.OpRegistry;
import dev.asnet.exporter.ops.OpSchema;
import dev.asnet.exporter.ops.ShapeMath;
import java.util.ArrayList;
import java.util.List;

/**
 * Schemas of the ops that only training graphs need: standard ONNX ones (reductions, element-wise
 * math, ConvTranspose, Slice, OneHot...) and asnet's fused training ops ({@link TrainingKernels#FUSED}). The exporter's registry covers inference graphs; this
 * class extends a copy of it, so a training graph is validated and shape-inferred exactly like a
 * model. Training graphs have static shapes, so every shape function here may demand known
 * dimensions.
 */
public final class TrainingOps {
    private static final OpRegistry REGISTRY = build();

    private TrainingOps() {}

    /**
     * The registry for training graphs: the standard one plus the ops in this class.
     *
     * @return a shared registry (do not modify it)
     */
    public static OpRegistry registry() {
        return REGISTRY;
    }

    private static OpRegistry build() {
        OpRegistry r = OpRegistry.standard().copy();
        for (String op : List.of("Sqrt", "Reciprocal", "Sign", "Exp", "Neg", "Identity")) {
            r.register(OpSchema.builder("", op).setSinceVersion(13).addInputs("X")
                    .setShapeFunction(ctx -> List.of(ctx.input(0).type())).build());
        }
        r.register(OpSchema.builder("", "Max").setSinceVersion(13).setVariadic("data_0")
                .setShapeFunction(ctx -> {
                    Shape s = ctx.shape(0);
                    for (int i = 1; i < ctx.inputCount(); i++) {
                        s = ShapeMath.broadcast(ctx, s, ctx.shape(i));
                    }
                    return List.of(new ValueType(ctx.input(0).dataType(), s));
                }).build());
        r.register(OpSchema.builder("", "LogSoftmax").setSinceVersion(13).addInputs("input")
                .optAttribute("axis", INT, Attribute.ofInt("axis", -1))
                .setShapeFunction(ctx -> List.of(ctx.input(0).type())).build());
        for (String op : List.of("ReduceMean", "ReduceMax", "ReduceSumSquare")) {
            // Opset 13-17: axes is an attribute for these two.
            r.register(OpSchema.builder("", op).setSinceVersion(13).addInputs("data")
                    .addRequiredAttribute("axes", INTS)
                    .optAttribute("keepdims", INT, Attribute.ofInt("keepdims", 1))
                    .setShapeFunction(ctx -> List.of(reduced(ctx, ctx.intsAttr("axes")))).build());
        }
        // Opset 13: ReduceSum takes axes as a (constant) input.
        r.register(OpSchema.builder("", "ReduceSum").setSinceVersion(13).addInputs("data", "axes")
                .optAttribute("keepdims", INT, Attribute.ofInt("keepdims", 1))
                .setShapeFunction(ctx -> List.of(reduced(ctx, constantLongs(ctx, 1)))).build());
        r.register(OpSchema.builder("", "Slice").setSinceVersion(13).addInputs("data", "starts", "ends", "axes")
                .optInputs("steps").setShapeFunction(TrainingOps::slice).build());
        r.register(OpSchema.builder("", "OneHot").setSinceVersion(11).addInputs("indices", "depth", "values")
                .optAttribute("axis", INT, Attribute.ofInt("axis", -1))
                .setShapeFunction(ctx -> {
                    Shape idx = ctx.shape(0);
                    long depth = constantLongs(ctx, 1)[0];
                    List<Dim> dims = new ArrayList<>(idx.dims());
                    dims.add(Dim.of(depth));
                    return List.of(new ValueType(ctx.input(2).dataType(), Shape.of(dims)));
                }).build());
        r.register(convTranspose());
        registerFusedOps(r);
        return r;
    }

    /** The dev.asnet fused training ops (see {@link TrainingKernels#FUSED}). */
    private static void registerFusedOps(OpRegistry r) {
        r.register(AsnetOpSchemas.builder(AsnetDomain.BATCH_NORM_TRAINING)
                .setShapeFunction(ctx -> {
                    ValueType perChannel = perChannel(ctx, 0, 1, 2);
                    return List.of(ctx.input(0).type(), perChannel, perChannel);
                }).build());
        r.register(AsnetOpSchemas.builder(AsnetDomain.BATCH_NORM_TRAINING_GRAD)
                .setShapeFunction(ctx -> {
                    ValueType perChannel = perChannel(ctx, 1, 2, 3, 4);
                    sameShape(ctx, 0, 1);
                    if (ctx.inputCount() > 5) {
                        sameShape(ctx, 5, 1); // dX_add
                    }
                    return List.of(ctx.input(1).type(), perChannel, perChannel);
                }).build());
        r.register(AsnetOpSchemas.builder(AsnetDomain.BATCH_NORM_RELU_TRAINING_GRAD)
                .setShapeFunction(ctx -> {
                    ValueType perChannel = perChannel(ctx, 1, 2, 3, 4, 5);
                    sameShape(ctx, 0, 1);
                    if (ctx.inputCount() > 6) {
                        sameShape(ctx, 6, 1); // dX_add
                    }
                    return List.of(ctx.input(1).type(), perChannel, perChannel);
                }).build());
        r.register(AsnetOpSchemas.builder(AsnetDomain.BATCH_NORM_RELU_SHIFT_TRAINING)
                .setShapeFunction(ctx -> {
                    ValueType perChannel = perChannel(ctx, 0, 1, 2);
                    return List.of(AsnetOpSchemas.shiftedOutput(ctx, 0, 3), perChannel, perChannel);
                }).build());
        r.register(AsnetOpSchemas.builder(AsnetDomain.BATCH_NORM_RELU_SHIFT_TRAINING_GRAD)
                .setShapeFunction(ctx -> {
                    ValueType perChannel = perChannel(ctx, 1, 2, 3, 4, 5);
                    Shape y = AsnetOpSchemas.shiftedOutput(ctx, 1, 6).shape();
                    ctx.requireType(0, DataType.FLOAT);
                    Shape dy = ctx.requireRank(0, 4);
                    for (int i = 0; i < 4; i++) {
                        if (!dy.dim(i).compatible(y.dim(i))) {
                            throw ctx.fail("dY has shape " + dy + " but the forward output is " + y);
                        }
                    }
                    return List.of(ctx.input(1).type(), perChannel, perChannel, ctx.input(6).type());
                }).build());
        r.register(AsnetOpSchemas.builder(AsnetDomain.SGD_MOMENTUM_UPDATE)
                .setShapeFunction(ctx -> {
                    sameShape(ctx, 1, 0);
                    sameShape(ctx, 2, 0);
                    return List.of(ctx.input(0).type(), ctx.input(0).type());
                }).build());
        r.register(AsnetOpSchemas.builder(AsnetDomain.DEPTHWISE_CONV_GRAD)
                .setShapeFunction(TrainingOps::depthwiseConvGrad).build());
        r.register(AsnetOpSchemas.builder(AsnetDomain.RELU_GRAD)
                .setShapeFunction(ctx -> {
                    sameShape(ctx, 0, 1);
                    return List.of(ctx.input(1).type());
                }).build());
    }

    /** dY [N, C, oH, oW], X [N, C, H, W], W [C, 1, kH, kW] (static shapes) -> (X's type, W's type). */
    private static List<ValueType> depthwiseConvGrad(NodeContext ctx) {
        for (int i = 0; i < 3; i++) {
            ctx.requireType(i, DataType.FLOAT);
        }
        Shape dy = ctx.requireRank(0, 4);
        Shape x = ctx.requireRank(1, 4);
        Shape w = ctx.requireRank(2, 4);
        long[] st = ctx.intsAttr(AsnetDomain.STRIDES, 2, 1, new long[] {1, 1});
        long[] p = ctx.intsAttr(AsnetDomain.PADS, 4, 0, new long[] {0, 0, 0, 0});
        long c = x.dim(1).value();
        if (w.dim(0).value() != c || w.dim(1).value() != 1) {
            throw ctx.fail("W must be [C, 1, kH, kW] with C = " + c + " (channels of X " + x + ") but is " + w);
        }
        long oh = (x.dim(2).value() + p[0] + p[2] - w.dim(2).value()) / st[0] + 1;
        long ow = (x.dim(3).value() + p[1] + p[3] - w.dim(3).value()) / st[1] + 1;
        Shape want = Shape.of(x.dim(0), x.dim(1), Dim.of(oh), Dim.of(ow));
        for (int i = 0; i < 4; i++) {
            if (!dy.dim(i).compatible(want.dim(i))) {
                throw ctx.fail("dY has shape " + dy + " but the Conv's output is " + want);
            }
        }
        return List.of(ctx.input(1).type(), ctx.input(2).type());
    }

    /** Checks X (slot x) is float [N, C, ...] and each per-channel slot float [C]; returns [C]. */
    private static ValueType perChannel(NodeContext ctx, int x, int... slots) {
        ctx.requireType(x, DataType.FLOAT);
        Shape xs = ctx.shape(x);
        if (xs.rank() < 2) {
            throw ctx.fail("X must have rank >= 2 [N, C, ...] but is " + xs);
        }
        Shape c = Shape.of(xs.dim(1));
        for (int s : slots) {
            ctx.requireType(s, DataType.FLOAT);
            Shape v = ctx.shape(s);
            if (v.rank() != 1 || !v.dim(0).compatible(xs.dim(1))) {
                throw ctx.fail("input " + s + " must be [C] = " + c + " (channels of X " + xs + ") but is " + v);
            }
        }
        return new ValueType(DataType.FLOAT, c);
    }

    private static void sameShape(NodeContext ctx, int a, int b) {
        ctx.requireType(a, DataType.FLOAT);
        ctx.requireType(b, DataType.FLOAT);
        Shape sa = ctx.shape(a);
        Shape sb = ctx.shape(b);
        boolean same = sa.rank() == sb.rank();
        for (int i = 0; same && i < sa.rank(); i++) {
            same = sa.dim(i).compatible(sb.dim(i));
        }
        if (!same) {
            throw ctx.fail("input " + a + " has shape " + sa + " but input " + b + " has " + sb);
        }
    }

    private static long[] constantLongs(NodeContext ctx, int slot) {
        Value v = ctx.input(slot);
        if (v == null || v.data() == null) {
            throw ctx.fail("input " + slot + " must be a constant int64 initializer in a training graph");
        }
        return v.data().longs();
    }

    private static ValueType reduced(NodeContext ctx, long[] axes) {
        Shape in = ctx.shape(0);
        boolean keep = ctx.intAttr("keepdims") == 1;
        boolean[] reduce = new boolean[in.rank()];
        for (long a : axes) {
            reduce[(int) (a < 0 ? a + in.rank() : a)] = true;
        }
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < in.rank(); i++) {
            if (!reduce[i]) {
                dims.add(in.dim(i));
            } else if (keep) {
                dims.add(Dim.of(1));
            }
        }
        return new ValueType(ctx.input(0).dataType(), Shape.of(dims));
    }

    private static List<ValueType> slice(NodeContext ctx) {
        Shape in = ctx.shape(0);
        long[] starts = constantLongs(ctx, 1);
        long[] ends = constantLongs(ctx, 2);
        long[] axes = constantLongs(ctx, 3);
        long[] steps = ctx.inputCount() > 4 ? constantLongs(ctx, 4) : null;
        List<Dim> dims = new ArrayList<>(in.dims());
        for (int i = 0; i < axes.length; i++) {
            int ax = (int) axes[i];
            long size = in.dim(ax).value();
            long s = Math.max(0, Math.min(size, starts[i]));
            long e = Math.max(s, Math.min(size, ends[i]));
            long step = steps == null ? 1 : steps[i];
            if (step < 1) {
                throw ctx.fail("Slice steps must be >= 1 here, got " + step);
            }
            dims.set(ax, Dim.of((e - s + step - 1) / step));
        }
        return List.of(new ValueType(ctx.input(0).dataType(), Shape.of(dims)));
    }

    private static OpSchema convTranspose() {
        return OpSchema.builder("", "ConvTranspose").setSinceVersion(11).addInputs("X", "W")
                .optAttribute("dilations", INTS, null)
                .optAttribute("group", INT, Attribute.ofInt("group", 1))
                .optAttribute("kernel_shape", INTS, null)
                .optAttribute("output_padding", INTS, null)
                .optAttribute("pads", INTS, null)
                .optAttribute("strides", INTS, null)
                .setShapeFunction(ctx -> {
                    Shape x = ctx.requireRank(0, 4);
                    Shape w = ctx.requireRank(1, 4);
                    long group = ctx.intAttr("group");
                    if (x.dim(1).value() != w.dim(0).value()) {
                        throw ctx.fail("X has " + x.dim(1) + " channels but W " + w + " expects " + w.dim(0));
                    }
                    long[] s = ctx.intsAttr("strides", 2, 1, new long[] {1, 1});
                    long[] p = ctx.intsAttr("pads", 4, 0, new long[] {0, 0, 0, 0});
                    long[] op = ctx.intsAttr("output_padding", 2, 0, new long[] {0, 0});
                    long[] d = ctx.intsAttr("dilations", 2, 1, new long[] {1, 1});
                    long h = s[0] * (x.dim(2).value() - 1) + op[0] + (w.dim(2).value() - 1) * d[0] + 1 - p[0] - p[2];
                    long wd = s[1] * (x.dim(3).value() - 1) + op[1] + (w.dim(3).value() - 1) * d[1] + 1 - p[1] - p[3];
                    return List.of(new ValueType(DataType.FLOAT,
                            Shape.of(x.dim(0), Dim.of(w.dim(1).value() * group), Dim.of(h), Dim.of(wd))));
                }).build();
    }
}
