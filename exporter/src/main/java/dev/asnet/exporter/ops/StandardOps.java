package dev.asnet.exporter.ops;

import static dev.asnet.exporter.ir.AttributeType.FLOAT;
import static dev.asnet.exporter.ir.AttributeType.INT;
import static dev.asnet.exporter.ir.AttributeType.INTS;
import static dev.asnet.exporter.ir.AttributeType.STRING;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Dim;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ir.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Schemas of the standard ONNX ops asnet builds with. Only 2-D spatial ops (NCHW) and the
 * attributes asnet uses are accepted; anything else is reported as unknown rather than silently
 * written into a model whose semantics asnet cannot infer.
 */
public final class StandardOps {
    private StandardOps() {}

    /**
     * Registers every standard op.
     *
     * @param r the registry to fill
     */
    public static void registerAll(OpRegistry r) {
        r.register(conv());
        r.register(batchNorm());
        r.register(unary("Relu", 6));
        r.register(clip());
        for (String op : List.of("Add", "Sub", "Mul", "Div")) {
            r.register(binary(op));
        }
        r.register(globalAveragePool());
        r.register(pool("AveragePool", true));
        r.register(pool("MaxPool", false));
        r.register(reshape());
        r.register(flatten());
        r.register(gemm());
        r.register(matMul());
        r.register(concat());
        r.register(softmax());
        r.register(transpose());
        r.register(gridSample());
        r.register(quantizeLinear());
        r.register(dequantizeLinear());
    }

    private static List<ValueType> same(NodeContext ctx) {
        return List.of(ctx.input(0).type());
    }

    private static void requireFloat(NodeContext ctx, int... slots) {
        for (int i : slots) {
            if (ctx.input(i) != null) {
                ctx.requireType(i, DataType.FLOAT);
            }
        }
    }

    private static OpSchema conv() {
        return OpSchema.builder("", "Conv").setSinceVersion(11)
                .addInputs("X", "W").optInputs("B")
                .optAttribute("dilations", INTS, null)
                .optAttribute("group", INT, Attribute.ofInt("group", 1))
                .optAttribute("kernel_shape", INTS, null)
                .optAttribute("pads", INTS, null)
                .optAttribute("strides", INTS, null)
                .setShapeFunction(ctx -> {
                    requireFloat(ctx, 0, 1, 2);
                    Shape x = ctx.requireRank(0, 4);
                    Shape w = ctx.requireRank(1, 4);
                    if (!w.isFullyKnown()) {
                        throw ctx.fail("weight W must have a known shape but has " + w);
                    }
                    long m = w.dim(0).value();
                    long group = ctx.intAttr("group");
                    if (group < 1) {
                        throw ctx.fail("attribute 'group' must be >= 1 but is " + group);
                    }
                    Dim c = x.dim(1);
                    if (c.isKnown() && c.value() != w.dim(1).value() * group) {
                        throw ctx.fail("input X has " + c + " channels but W " + w + " with group " + group + " expects "
                                + w.dim(1).value() * group);
                    }
                    if (m % group != 0) {
                        throw ctx.fail("W has " + m + " output channels, not divisible by group " + group);
                    }
                    long[] kernel = {w.dim(2).value(), w.dim(3).value()};
                    long[] ks = ctx.intsAttr("kernel_shape", 2, 1, kernel);
                    if (!Arrays.equals(ks, kernel)) {
                        throw ctx.fail("attribute kernel_shape " + Arrays.toString(ks) + " does not match W " + w);
                    }
                    long[] strides = ctx.intsAttr("strides", 2, 1, new long[] {1, 1});
                    long[] pads = ctx.intsAttr("pads", 4, 0, new long[] {0, 0, 0, 0});
                    long[] dil = ctx.intsAttr("dilations", 2, 1, new long[] {1, 1});
                    if (ctx.input(2) != null) {
                        Shape b = ctx.requireRank(2, 1);
                        if (!b.dim(0).compatible(Dim.of(m))) {
                            throw ctx.fail("bias B has shape " + b + " but W has " + m + " output channels");
                        }
                    }
                    Dim h = ShapeMath.windowDim(ctx, x.dim(2), "height", kernel[0], strides[0], pads[0], pads[2], dil[0], false);
                    Dim wd = ShapeMath.windowDim(ctx, x.dim(3), "width", kernel[1], strides[1], pads[1], pads[3], dil[1], false);
                    return List.of(new ValueType(DataType.FLOAT, Shape.of(x.dim(0), Dim.of(m), h, wd)));
                }).build();
    }

    private static OpSchema batchNorm() {
        return OpSchema.builder("", "BatchNormalization").setSinceVersion(9)
                .addInputs("X", "scale", "B", "input_mean", "input_var")
                .optAttribute("epsilon", FLOAT, Attribute.ofFloat("epsilon", 1e-5f))
                .optAttribute("momentum", FLOAT, Attribute.ofFloat("momentum", 0.9f))
                .setShapeFunction(ctx -> {
                    requireFloat(ctx, 0, 1, 2, 3, 4);
                    Shape x = ctx.shape(0);
                    if (x.rank() < 2) {
                        throw ctx.fail("input X must have rank >= 2 but has shape " + x);
                    }
                    for (int i = 1; i < 5; i++) {
                        Shape p = ctx.requireRank(i, 1);
                        if (!p.dim(0).compatible(x.dim(1))) {
                            throw ctx.fail("input " + i + " (" + ctx.inputName(i) + ") has shape " + p + " but X " + x
                                    + " has " + x.dim(1) + " channels");
                        }
                    }
                    if (ctx.floatAttr("epsilon") <= 0) {
                        throw ctx.fail("attribute 'epsilon' must be > 0 but is " + ctx.floatAttr("epsilon"));
                    }
                    return same(ctx);
                }).build();
    }

    private static OpSchema unary(String op, int since) {
        return OpSchema.builder("", op).setSinceVersion(since).addInputs("X")
                .setShapeFunction(ctx -> {
                    requireFloat(ctx, 0);
                    return same(ctx);
                }).build();
    }

    private static OpSchema clip() {
        return OpSchema.builder("", "Clip").setSinceVersion(11).addInputs("input").optInputs("min", "max")
                .setShapeFunction(ctx -> {
                    requireFloat(ctx, 0, 1, 2);
                    for (int i = 1; i < 3; i++) {
                        if (ctx.input(i) != null && ctx.shape(i).rank() != 0) {
                            throw ctx.fail("input " + i + " (" + ctx.inputName(i) + ") must be a scalar but has shape "
                                    + ctx.shape(i));
                        }
                    }
                    Tensor lo = constant(ctx.input(1));
                    Tensor hi = constant(ctx.input(2));
                    if (lo != null && hi != null && lo.floatAt(0) > hi.floatAt(0)) {
                        throw ctx.fail("min " + lo.floatAt(0) + " is greater than max " + hi.floatAt(0));
                    }
                    return same(ctx);
                }).build();
    }

    private static Tensor constant(Value v) {
        return v == null ? null : v.data();
    }

    private static OpSchema binary(String op) {
        return OpSchema.builder("", op).setSinceVersion(7).addInputs("A", "B")
                .setShapeFunction(ctx -> {
                    if (ctx.input(0).dataType() != ctx.input(1).dataType()) {
                        throw ctx.fail("inputs A and B must have the same element type but are " + ctx.input(0).dataType()
                                + " and " + ctx.input(1).dataType());
                    }
                    return List.of(new ValueType(ctx.input(0).dataType(), ShapeMath.broadcast(ctx, ctx.shape(0), ctx.shape(1))));
                }).build();
    }

    private static OpSchema globalAveragePool() {
        return OpSchema.builder("", "GlobalAveragePool").addInputs("X")
                .setShapeFunction(ctx -> {
                    requireFloat(ctx, 0);
                    Shape x = ctx.shape(0);
                    if (x.rank() < 3) {
                        throw ctx.fail("input X must have rank >= 3 but has shape " + x);
                    }
                    List<Dim> out = new ArrayList<>(x.dims().subList(0, 2));
                    for (int i = 2; i < x.rank(); i++) {
                        out.add(Dim.of(1));
                    }
                    return List.of(new ValueType(DataType.FLOAT, Shape.of(out)));
                }).build();
    }

    private static OpSchema pool(String op, boolean average) {
        OpSchema.Builder b = OpSchema.builder("", op).setSinceVersion(11).addInputs("X")
                .addRequiredAttribute("kernel_shape", INTS)
                .optAttribute("strides", INTS, null)
                .optAttribute("pads", INTS, null)
                .optAttribute("ceil_mode", INT, Attribute.ofInt("ceil_mode", 0));
        if (average) {
            b.optAttribute("count_include_pad", INT, Attribute.ofInt("count_include_pad", 0));
        }
        return b.setShapeFunction(ctx -> {
            requireFloat(ctx, 0);
            Shape x = ctx.requireRank(0, 4);
            long[] k = ctx.intsAttr("kernel_shape", 2, 1, null);
            long[] s = ctx.intsAttr("strides", 2, 1, new long[] {1, 1});
            long[] p = ctx.intsAttr("pads", 4, 0, new long[] {0, 0, 0, 0});
            for (int i = 0; i < 2; i++) {
                if (p[i] >= k[i] || p[i + 2] >= k[i]) {
                    throw ctx.fail("pads " + Arrays.toString(p) + " must be smaller than kernel_shape " + Arrays.toString(k));
                }
            }
            boolean ceil = ctx.intAttr("ceil_mode") != 0;
            Dim h = ShapeMath.windowDim(ctx, x.dim(2), "height", k[0], s[0], p[0], p[2], 1, ceil);
            Dim w = ShapeMath.windowDim(ctx, x.dim(3), "width", k[1], s[1], p[1], p[3], 1, ceil);
            return List.of(new ValueType(DataType.FLOAT, Shape.of(x.dim(0), x.dim(1), h, w)));
        }).build();
    }

    /**
     * QuantizeLinear (opset 13: per-tensor or per-axis): {@code y = saturate(round(x / y_scale) +
     * y_zero_point)}, rounding half to even. The output type is the zero point's (uint8 or int8).
     */
    private static OpSchema quantizeLinear() {
        return OpSchema.builder("", "QuantizeLinear").setSinceVersion(13).addInputs("x", "y_scale", "y_zero_point")
                .optAttribute("axis", INT, Attribute.ofInt("axis", 1))
                .setShapeFunction(ctx -> {
                    requireFloat(ctx, 0, 1);
                    DataType zp = ctx.input(2).dataType();
                    if (zp != DataType.UINT8 && zp != DataType.INT8) {
                        throw ctx.fail("y_zero_point must be uint8 or int8 but is " + zp);
                    }
                    checkQuantParams(ctx, 1, 2);
                    return List.of(new ValueType(zp, ctx.shape(0)));
                }).build();
    }

    /**
     * DequantizeLinear (opset 13: per-tensor or per-axis): {@code y = (x - x_zero_point) *
     * x_scale}, from uint8, int8 or int32 to float.
     */
    private static OpSchema dequantizeLinear() {
        return OpSchema.builder("", "DequantizeLinear").setSinceVersion(13).addInputs("x", "x_scale")
                .optInputs("x_zero_point")
                .optAttribute("axis", INT, Attribute.ofInt("axis", 1))
                .setShapeFunction(ctx -> {
                    requireFloat(ctx, 1);
                    DataType x = ctx.input(0).dataType();
                    if (!x.isSmallInteger()) {
                        throw ctx.fail("x must be uint8, int8 or int32 but is " + x);
                    }
                    if (ctx.input(2) != null && ctx.input(2).dataType() != x) {
                        throw ctx.fail("x_zero_point is " + ctx.input(2).dataType() + " but x is " + x);
                    }
                    checkQuantParams(ctx, 1, 2);
                    return List.of(new ValueType(DataType.FLOAT, ctx.shape(0)));
                }).build();
    }

    /** Scale and zero point: both scalars (per tensor), or both 1-D of the size of x's axis. */
    private static void checkQuantParams(NodeContext ctx, int scaleSlot, int zeroSlot) {
        Shape x = ctx.shape(0);
        Shape scale = ctx.shape(scaleSlot);
        if (scale.rank() > 1) {
            throw ctx.fail("the scale must be a scalar or 1-D but has shape " + scale);
        }
        if (ctx.input(zeroSlot) != null && !ctx.shape(zeroSlot).equals(scale)) {
            throw ctx.fail("the zero point has shape " + ctx.shape(zeroSlot) + " but the scale " + scale);
        }
        if (scale.rank() == 1) {
            long axis = ctx.intAttr("axis");
            long a = axis < 0 ? axis + x.rank() : axis;
            if (a < 0 || a >= x.rank()) {
                throw ctx.fail("axis " + axis + " is outside the rank of x " + x);
            }
            if (!scale.dim(0).compatible(x.dim((int) a))) {
                throw ctx.fail("per-axis scale " + scale + " does not match x " + x + " along axis " + a);
            }
        }
    }

    private static OpSchema reshape() {
        return OpSchema.builder("", "Reshape").setSinceVersion(5).addInputs("data", "shape")
                .setShapeFunction(ctx -> {
                    ctx.requireType(1, DataType.INT64);
                    ctx.requireRank(1, 1);
                    Tensor target = constant(ctx.input(1));
                    if (target == null) {
                        throw ctx.fail("input 1 (shape) must be a constant initializer so the output shape is known");
                    }
                    Shape in = ctx.shape(0);
                    long[] t = target.longs();
                    List<Dim> out = new ArrayList<>();
                    int inferred = -1;
                    List<Dim> consumed = new ArrayList<>();
                    for (int i = 0; i < t.length; i++) {
                        if (t[i] == 0) {
                            if (i >= in.rank()) {
                                throw ctx.fail("shape " + Arrays.toString(t) + " copies dimension " + i + " (0) but data "
                                        + in + " has rank " + in.rank());
                            }
                            out.add(in.dim(i));
                            consumed.add(in.dim(i));
                        } else if (t[i] == -1) {
                            if (inferred >= 0) {
                                throw ctx.fail("shape " + Arrays.toString(t) + " has more than one -1");
                            }
                            inferred = i;
                            out.add(Dim.unknown());
                        } else if (t[i] < -1) {
                            throw ctx.fail("shape " + Arrays.toString(t) + " has invalid entry " + t[i]);
                        } else {
                            out.add(Dim.of(t[i]));
                        }
                    }
                    long known = 1;
                    for (int i = 0; i < out.size(); i++) {
                        if (i != inferred && out.get(i).isKnown()) {
                            known *= out.get(i).value();
                        }
                    }
                    // Element count of the data with the copied (0) dimensions divided out, so a
                    // symbolic batch copied through does not make the remainder unknown.
                    List<Dim> rest = new ArrayList<>(in.dims());
                    for (Dim d : consumed) {
                        if (!d.isKnown()) {
                            rest.remove(d);
                        }
                    }
                    Dim restCount = ShapeMath.product(rest);
                    long copiedKnown = 1;
                    for (Dim d : consumed) {
                        if (d.isKnown()) {
                            copiedKnown *= d.value();
                        }
                    }
                    boolean restKnown = restCount.isKnown();
                    if (inferred >= 0) {
                        if (restKnown) {
                            long total = restCount.value() * copiedKnown;
                            if (known == 0 || total % known != 0) {
                                throw ctx.fail("cannot reshape " + in + " to " + Arrays.toString(t));
                            }
                            out.set(inferred, Dim.of(total / known));
                        }
                    } else if (restKnown && in.isFullyKnown() && in.numElements(1) != Shape.of(out).numElements(1)) {
                        throw ctx.fail("cannot reshape " + in + " (" + in.numElements(1) + " elements) to "
                                + Arrays.toString(t));
                    }
                    return List.of(new ValueType(ctx.input(0).dataType(), Shape.of(out)));
                }).build();
    }

    private static OpSchema flatten() {
        return OpSchema.builder("", "Flatten").setSinceVersion(11).addInputs("input")
                .optAttribute("axis", INT, Attribute.ofInt("axis", 1))
                .setShapeFunction(ctx -> {
                    Shape in = ctx.shape(0);
                    long axis = ctx.intAttr("axis");
                    if (axis < -in.rank() || axis > in.rank()) {
                        throw ctx.fail("attribute 'axis' " + axis + " is out of range for input " + in);
                    }
                    int a = (int) (axis < 0 ? axis + in.rank() : axis);
                    Dim outer = ShapeMath.product(in.dims().subList(0, a));
                    Dim inner = ShapeMath.product(in.dims().subList(a, in.rank()));
                    return List.of(new ValueType(ctx.input(0).dataType(), Shape.of(outer, inner)));
                }).build();
    }

    private static OpSchema gemm() {
        return OpSchema.builder("", "Gemm").setSinceVersion(11).addInputs("A", "B").optInputs("C")
                .optAttribute("alpha", FLOAT, Attribute.ofFloat("alpha", 1f))
                .optAttribute("beta", FLOAT, Attribute.ofFloat("beta", 1f))
                .optAttribute("transA", INT, Attribute.ofInt("transA", 0))
                .optAttribute("transB", INT, Attribute.ofInt("transB", 0))
                .setShapeFunction(ctx -> {
                    requireFloat(ctx, 0, 1, 2);
                    Shape a = ctx.requireRank(0, 2);
                    Shape b = ctx.requireRank(1, 2);
                    boolean ta = ctx.intAttr("transA") != 0;
                    boolean tb = ctx.intAttr("transB") != 0;
                    Dim m = a.dim(ta ? 1 : 0);
                    Dim ka = a.dim(ta ? 0 : 1);
                    Dim kb = b.dim(tb ? 1 : 0);
                    Dim n = b.dim(tb ? 0 : 1);
                    if (!ka.compatible(kb)) {
                        throw ctx.fail("inner dimensions differ: A " + a + (ta ? " (transposed)" : "") + " has K=" + ka
                                + " but B " + b + (tb ? " (transposed)" : "") + " has K=" + kb);
                    }
                    Shape out = Shape.of(m, n);
                    if (ctx.input(2) != null) {
                        Shape c = ctx.shape(2);
                        Shape bc = ShapeMath.broadcast(ctx, out, c);
                        if (bc.rank() != 2 || !bc.dim(1).compatible(n) || !bc.dim(0).compatible(m)) {
                            throw ctx.fail("bias C " + c + " does not broadcast to the output " + out);
                        }
                    }
                    return List.of(new ValueType(DataType.FLOAT, out));
                }).build();
    }

    private static OpSchema matMul() {
        return OpSchema.builder("", "MatMul").setSinceVersion(9).addInputs("A", "B")
                .setShapeFunction(ctx -> {
                    requireFloat(ctx, 0, 1);
                    Shape a = ctx.shape(0);
                    Shape b = ctx.shape(1);
                    if (a.rank() < 1 || b.rank() < 1) {
                        throw ctx.fail("inputs must have rank >= 1 but are " + a + " and " + b);
                    }
                    Shape a2 = a.rank() == 1 ? Shape.of(List.of(Dim.of(1), a.dim(0))) : a;
                    Shape b2 = b.rank() == 1 ? Shape.of(List.of(b.dim(0), Dim.of(1))) : b;
                    Dim ka = a2.dim(-1);
                    Dim kb = b2.dim(-2);
                    if (!ka.compatible(kb)) {
                        throw ctx.fail("inner dimensions differ: A " + a + " has K=" + ka + " but B " + b + " has K=" + kb);
                    }
                    Shape batch = ShapeMath.broadcast(ctx, Shape.of(a2.dims().subList(0, a2.rank() - 2)),
                            Shape.of(b2.dims().subList(0, b2.rank() - 2)));
                    List<Dim> out = new ArrayList<>(batch.dims());
                    if (a.rank() > 1) {
                        out.add(a2.dim(-2));
                    }
                    if (b.rank() > 1) {
                        out.add(b2.dim(-1));
                    }
                    return List.of(new ValueType(DataType.FLOAT, Shape.of(out)));
                }).build();
    }

    private static OpSchema concat() {
        return OpSchema.builder("", "Concat").setSinceVersion(11).setVariadic("inputs")
                .addRequiredAttribute("axis", INT)
                .setShapeFunction(ctx -> {
                    Shape first = ctx.shape(0);
                    int rank = first.rank();
                    long axis = ctx.intAttr("axis");
                    if (axis < -rank || axis >= rank) {
                        throw ctx.fail("attribute 'axis' " + axis + " is out of range for rank " + rank);
                    }
                    int ax = (int) (axis < 0 ? axis + rank : axis);
                    List<Dim> out = new ArrayList<>(first.dims());
                    List<Dim> along = new ArrayList<>();
                    for (int i = 0; i < ctx.inputCount(); i++) {
                        Shape s = ctx.shape(i);
                        if (ctx.input(i).dataType() != ctx.input(0).dataType()) {
                            throw ctx.fail("input " + i + " is " + ctx.input(i).dataType() + " but input 0 is "
                                    + ctx.input(0).dataType());
                        }
                        if (s.rank() != rank) {
                            throw ctx.fail("input " + i + " has shape " + s + " but input 0 has rank " + rank);
                        }
                        for (int d = 0; d < rank; d++) {
                            if (d != ax && !s.dim(d).compatible(first.dim(d))) {
                                throw ctx.fail("input " + i + " " + s + " differs from input 0 " + first + " on axis " + d
                                        + " (only axis " + ax + " may differ)");
                            }
                        }
                        along.add(s.dim(ax));
                    }
                    boolean allKnown = along.stream().allMatch(Dim::isKnown);
                    out.set(ax, allKnown ? Dim.of(along.stream().mapToLong(Dim::value).sum()) : Dim.unknown());
                    return List.of(new ValueType(ctx.input(0).dataType(), Shape.of(out)));
                }).build();
    }

    private static OpSchema softmax() {
        return OpSchema.builder("", "Softmax").setSinceVersion(13).addInputs("input")
                .optAttribute("axis", INT, Attribute.ofInt("axis", -1))
                .setShapeFunction(ctx -> {
                    requireFloat(ctx, 0);
                    int rank = ctx.shape(0).rank();
                    long axis = ctx.intAttr("axis");
                    if (axis < -rank || axis >= rank) {
                        throw ctx.fail("attribute 'axis' " + axis + " is out of range for input " + ctx.shape(0));
                    }
                    return same(ctx);
                }).build();
    }

    private static OpSchema transpose() {
        return OpSchema.builder("", "Transpose").addInputs("data")
                .optAttribute("perm", INTS, null)
                .setShapeFunction(ctx -> {
                    Shape in = ctx.shape(0);
                    long[] perm = ctx.intsAttr("perm");
                    if (perm == null) {
                        perm = new long[in.rank()];
                        for (int i = 0; i < perm.length; i++) {
                            perm[i] = in.rank() - 1 - i;
                        }
                    }
                    long[] sorted = perm.clone();
                    Arrays.sort(sorted);
                    for (int i = 0; i < sorted.length; i++) {
                        if (sorted[i] != i || sorted.length != in.rank()) {
                            throw ctx.fail("attribute 'perm' " + Arrays.toString(perm) + " is not a permutation of the "
                                    + in.rank() + " axes of " + in);
                        }
                    }
                    List<Dim> out = new ArrayList<>();
                    for (long p : perm) {
                        out.add(in.dim((int) p));
                    }
                    return List.of(new ValueType(ctx.input(0).dataType(), Shape.of(out)));
                }).build();
    }

    private static OpSchema gridSample() {
        return OpSchema.builder("", "GridSample").setSinceVersion(16).addInputs("X", "grid")
                .optAttribute("align_corners", INT, Attribute.ofInt("align_corners", 0))
                .optAttribute("mode", STRING, Attribute.ofString("mode", "bilinear"))
                .optAttribute("padding_mode", STRING, Attribute.ofString("padding_mode", "zeros"))
                .setShapeFunction(ctx -> {
                    requireFloat(ctx, 0, 1);
                    Shape x = ctx.requireRank(0, 4);
                    Shape g = ctx.requireRank(1, 4);
                    if (!g.dim(3).compatible(Dim.of(2))) {
                        throw ctx.fail("grid must be [N, H_out, W_out, 2] but is " + g);
                    }
                    if (!g.dim(0).compatible(x.dim(0))) {
                        throw ctx.fail("grid batch " + g.dim(0) + " differs from X batch " + x.dim(0));
                    }
                    // Opsets 16-19 name the modes bilinear/bicubic, opset 20 on linear/cubic; the
                    // writer cannot check which names the target opset accepts, so both are valid here.
                    if (!Set.of("bilinear", "nearest", "bicubic", "linear", "cubic").contains(ctx.stringAttr("mode"))) {
                        throw ctx.fail("attribute 'mode' must be bilinear/linear, nearest or bicubic/cubic but is '"
                                + ctx.stringAttr("mode") + "'");
                    }
                    if (!Set.of("zeros", "border", "reflection").contains(ctx.stringAttr("padding_mode"))) {
                        throw ctx.fail("attribute 'padding_mode' must be zeros, border or reflection but is '"
                                + ctx.stringAttr("padding_mode") + "'");
                    }
                    Dim n = x.dim(0).isKnown() ? x.dim(0) : g.dim(0).isKnown() ? g.dim(0) : x.dim(0);
                    return List.of(new ValueType(DataType.FLOAT, Shape.of(n, x.dim(1), g.dim(1), g.dim(2))));
                }).build();
    }
}
