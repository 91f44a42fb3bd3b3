package dev.asnet.exporter.ops;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.InitializerRole;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed methods that add ONNX nodes to a {@link Graph}. Every method takes the node name first
 * (null to have one generated at serialization) and returns the node's output; validation and
 * shape inference happen in the op's {@link OpSchema}, so a wrong shape fails here, at the line
 * that built the node, with a message naming the node.
 *
 * <pre>{@code
 * Graph g = new Graph("net");
 * GraphBuilder b = new GraphBuilder(g);
 * Value x = b.input("input", DataType.FLOAT, Shape.batched("N", 3, 32, 32));
 * Value w = b.parameter("conv0.weight", Tensor.ofFloats(weights, 16, 3, 3, 3));
 * Value y = b.relu(null, b.conv("conv0", x, w, null, ConvOptions.builder().optPad(1).build()));
 * b.output(y, "features");
 * }</pre>
 */
public final class GraphBuilder {
    private final Graph graph;
    private final Map<Float, Value> scalars = new HashMap<>();

    /**
     * Builds into a graph.
     *
     * @param graph the graph to add nodes to
     */
    public GraphBuilder(Graph graph) {
        this.graph = graph;
    }

    /**
     * The graph being built.
     *
     * @return the graph
     */
    public Graph graph() {
        return graph;
    }

    /**
     * Adds a graph input.
     *
     * @param name the input name
     * @param type the element type
     * @param shape the shape
     * @return the input value
     */
    public Value input(String name, DataType type, Shape shape) {
        return graph.addInput(name, type, shape);
    }

    /**
     * Names a value and marks it as a graph output.
     *
     * @param v the value
     * @param name the output name, or null to keep its current (or a generated) name
     * @return the value
     */
    public Value output(Value v, String name) {
        if (name != null) {
            v.setName(name);
        }
        return graph.addOutput(v);
    }

    /**
     * Adds a trainable initializer.
     *
     * @param name the name, or null
     * @param data the initial value
     * @return the value
     */
    public Value parameter(String name, Tensor data) {
        return graph.addInitializer(name, data, InitializerRole.PARAMETER);
    }

    /**
     * Adds learned state that is not gradient-trained (BN running statistics).
     *
     * @param name the name, or null
     * @param data the value
     * @return the value
     */
    public Value buffer(String name, Tensor data) {
        return graph.addInitializer(name, data, InitializerRole.BUFFER);
    }

    /**
     * Adds a fixed constant.
     *
     * @param name the name, or null
     * @param data the value
     * @return the value
     */
    public Value constant(String name, Tensor data) {
        return graph.addInitializer(name, data, InitializerRole.CONSTANT);
    }

    /**
     * A float scalar constant, shared by every node that asks for the same value.
     *
     * @param v the value
     * @return the constant
     */
    public Value scalar(float v) {
        return scalars.computeIfAbsent(v, k -> constant(null, Tensor.scalar(k)));
    }

    /**
     * Adds any registered op.
     *
     * @param domain the domain
     * @param opType the op type
     * @param name the node name, or null
     * @param inputs inputs (null for omitted optional ones)
     * @param attributes attributes
     * @return the node
     */
    public Node node(String domain, String opType, String name, List<Value> inputs, List<Attribute> attributes) {
        return graph.addNode(domain, opType, name, inputs, attributes);
    }

    private Value op(String opType, String name, List<Value> inputs, Attribute... attributes) {
        return graph.addNode("", opType, name, inputs, Arrays.asList(attributes)).output();
    }

    private static List<Value> inputs(Value... values) {
        List<Value> list = new ArrayList<>(Arrays.asList(values));
        // Trailing omitted optional inputs are dropped rather than written as empty names.
        while (!list.isEmpty() && list.get(list.size() - 1) == null) {
            list.remove(list.size() - 1);
        }
        return list;
    }

    /**
     * 2-D convolution.
     *
     * @param name node name or null
     * @param x input [N, C, H, W]
     * @param w weight [M, C/groups, kH, kW]
     * @param bias bias [M] or null
     * @param options strides, pads, dilations, groups
     * @return output [N, M, H', W']
     */
    public Value conv(String name, Value x, Value w, Value bias, ConvOptions options) {
        long[] k = w.shape().rank() == 4 && w.shape().isFullyKnown()
                ? new long[] {w.shape().dim(2).value(), w.shape().dim(3).value()} : null;
        List<Attribute> attrs = new ArrayList<>();
        if (k != null) {
            attrs.add(Attribute.ofInts("kernel_shape", k));
        }
        attrs.add(Attribute.ofInts("strides", options.strides()));
        attrs.add(Attribute.ofInts("pads", options.pads()));
        attrs.add(Attribute.ofInts("dilations", options.dilations()));
        attrs.add(Attribute.ofInt("group", options.groups()));
        return graph.addNode("", "Conv", name, inputs(x, w, bias), attrs).output();
    }

    /**
     * Batch normalization in inference form (running statistics as inputs).
     *
     * @param name node name or null
     * @param x input [N, C, ...]
     * @param scale gamma [C]
     * @param bias beta [C]
     * @param mean running mean [C]
     * @param var running variance [C]
     * @param epsilon added to the variance
     * @return the normalized output
     */
    public Value batchNorm(String name, Value x, Value scale, Value bias, Value mean, Value var, float epsilon) {
        return op("BatchNormalization", name, inputs(x, scale, bias, mean, var), Attribute.ofFloat("epsilon", epsilon));
    }

    /**
     * Rectified linear unit.
     *
     * @param name node name or null
     * @param x input
     * @return {@code max(x, 0)}
     */
    public Value relu(String name, Value x) {
        return op("Relu", name, inputs(x));
    }

    /**
     * Clip to a range given by shared scalar constants.
     *
     * @param name node name or null
     * @param x input
     * @param min lower bound
     * @param max upper bound
     * @return the clipped input
     */
    public Value clip(String name, Value x, float min, float max) {
        return op("Clip", name, inputs(x, scalar(min), scalar(max)));
    }

    /**
     * ReLU6, expressed as {@code Clip(x, 0, 6)} so ONNX Runtime can fuse it into the conv before.
     *
     * @param name node name or null
     * @param x input
     * @return {@code min(max(x, 0), 6)}
     */
    public Value relu6(String name, Value x) {
        return clip(name, x, 0f, 6f);
    }

    /**
     * Element-wise addition with broadcasting.
     *
     * @param name node name or null
     * @param a first operand
     * @param b second operand
     * @return {@code a + b}
     */
    public Value add(String name, Value a, Value b) {
        return op("Add", name, inputs(a, b));
    }

    /**
     * Element-wise subtraction with broadcasting.
     *
     * @param name node name or null
     * @param a first operand
     * @param b second operand
     * @return {@code a - b}
     */
    public Value sub(String name, Value a, Value b) {
        return op("Sub", name, inputs(a, b));
    }

    /**
     * Element-wise multiplication with broadcasting.
     *
     * @param name node name or null
     * @param a first operand
     * @param b second operand
     * @return {@code a * b}
     */
    public Value mul(String name, Value a, Value b) {
        return op("Mul", name, inputs(a, b));
    }

    /**
     * Element-wise division with broadcasting.
     *
     * @param name node name or null
     * @param a first operand
     * @param b second operand
     * @return {@code a / b}
     */
    public Value div(String name, Value a, Value b) {
        return op("Div", name, inputs(a, b));
    }

    /**
     * Global average pooling over H and W.
     *
     * @param name node name or null
     * @param x input [N, C, H, W]
     * @return [N, C, 1, 1]
     */
    public Value globalAveragePool(String name, Value x) {
        return op("GlobalAveragePool", name, inputs(x));
    }

    /**
     * Average pooling.
     *
     * @param name node name or null
     * @param x input [N, C, H, W]
     * @param options window, strides, pads
     * @return the pooled output
     */
    public Value averagePool(String name, Value x, PoolOptions options) {
        return op("AveragePool", name, inputs(x), poolAttrs(options, true));
    }

    /**
     * Max pooling.
     *
     * @param name node name or null
     * @param x input [N, C, H, W]
     * @param options window, strides, pads
     * @return the pooled output
     */
    public Value maxPool(String name, Value x, PoolOptions options) {
        return op("MaxPool", name, inputs(x), poolAttrs(options, false));
    }

    private static Attribute[] poolAttrs(PoolOptions o, boolean average) {
        List<Attribute> a = new ArrayList<>(List.of(Attribute.ofInts("kernel_shape", o.kernel()),
                Attribute.ofInts("strides", o.strides()), Attribute.ofInts("pads", o.pads()),
                Attribute.ofInt("ceil_mode", o.ceilMode() ? 1 : 0)));
        if (average) {
            a.add(Attribute.ofInt("count_include_pad", o.countIncludePad() ? 1 : 0));
        }
        return a.toArray(new Attribute[0]);
    }

    /**
     * Reshape to a constant target shape (0 copies a dimension, -1 infers one).
     *
     * @param name node name or null
     * @param x input
     * @param shape the target
     * @return the reshaped input
     */
    public Value reshape(String name, Value x, long... shape) {
        Value target = constant(null, Tensor.ofLongs(shape, shape.length));
        return op("Reshape", name, inputs(x, target));
    }

    /**
     * Flatten to 2-D.
     *
     * @param name node name or null
     * @param x input
     * @param axis dimensions before it form the first output dimension
     * @return [prod(dims[:axis]), prod(dims[axis:])]
     */
    public Value flatten(String name, Value x, long axis) {
        return op("Flatten", name, inputs(x), Attribute.ofInt("axis", axis));
    }

    /**
     * General matrix multiply {@code alpha * A' * B' + beta * C}.
     *
     * @param name node name or null
     * @param a A [M, K] (or [K, M] when transposed)
     * @param b B [K, N] (or [N, K] when transposed)
     * @param c bias broadcastable to [M, N], or null
     * @param transA transpose A
     * @param transB transpose B
     * @return [M, N]
     */
    public Value gemm(String name, Value a, Value b, Value c, boolean transA, boolean transB) {
        return op("Gemm", name, inputs(a, b, c), Attribute.ofInt("transA", transA ? 1 : 0),
                Attribute.ofInt("transB", transB ? 1 : 0));
    }

    /**
     * A fully connected layer: {@code x * W^T + b} with W stored as [out, in].
     *
     * @param name node name or null
     * @param x input [N, in]
     * @param w weight [out, in]
     * @param b bias [out] or null
     * @return [N, out]
     */
    public Value linear(String name, Value x, Value w, Value b) {
        return gemm(name, x, w, b, false, true);
    }

    /**
     * Numpy-style matrix product.
     *
     * @param name node name or null
     * @param a left operand
     * @param b right operand
     * @return the product
     */
    public Value matMul(String name, Value a, Value b) {
        return op("MatMul", name, inputs(a, b));
    }

    /**
     * Concatenation along an axis.
     *
     * @param name node name or null
     * @param axis the axis
     * @param values the inputs (at least one)
     * @return the concatenation
     */
    public Value concat(String name, long axis, Value... values) {
        return op("Concat", name, new ArrayList<>(Arrays.asList(values)), Attribute.ofInt("axis", axis));
    }

    /**
     * Softmax along an axis.
     *
     * @param name node name or null
     * @param x input
     * @param axis the axis (negative counts from the end)
     * @return the probabilities
     */
    public Value softmax(String name, Value x, long axis) {
        return op("Softmax", name, inputs(x), Attribute.ofInt("axis", axis));
    }

    /**
     * Axis permutation.
     *
     * @param name node name or null
     * @param x input
     * @param perm output axis i is input axis perm[i]
     * @return the transposed input
     */
    public Value transpose(String name, Value x, long... perm) {
        return op("Transpose", name, inputs(x), Attribute.ofInts("perm", perm));
    }

    /**
     * ONNX GridSample (opset 16).
     *
     * @param name node name or null
     * @param x input [N, C, H, W]
     * @param grid sampling positions [N, H_out, W_out, 2], (x, y) normalized to [-1, 1]
     * @param mode bilinear, nearest or bicubic
     * @param paddingMode zeros, border or reflection
     * @param alignCorners whether -1 and 1 are the centers of the corner pixels
     * @return [N, C, H_out, W_out]
     */
    public Value gridSample(String name, Value x, Value grid, String mode, String paddingMode, boolean alignCorners) {
        return op("GridSample", name, inputs(x, grid), Attribute.ofInt("align_corners", alignCorners ? 1 : 0),
                Attribute.ofString("mode", mode), Attribute.ofString("padding_mode", paddingMode));
    }

    /**
     * The Active Shift Layer: {@code dev.asnet::ActiveShift}. How it is written to ONNX is chosen
     * at export time ({@link dev.asnet.exporter.export.AslLowering}).
     *
     * @param name node name or null
     * @param x input [N, C, H, W]
     * @param shift shifts [C, 2] as (x along W, y along H)
     * @param strideH stride along H
     * @param strideW stride along W
     * @return [N, C, ceil(H/sh), ceil(W/sw)]
     */
    public Value activeShift(String name, Value x, Value shift, long strideH, long strideW) {
        return graph.addNode(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT, name, inputs(x, shift),
                List.of(Attribute.ofInts(AsnetDomain.STRIDES, strideH, strideW))).output();
    }
}
