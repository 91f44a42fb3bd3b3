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
 * Typed methods that add ONNX nodes to a {@link Graph}: the one graph builder, for models,
 * inference passes and training graphs alike. The layer-style methods take the node name first
 * (null to have one generated at serialization) and return the node's output; the unnamed
 * arithmetic shorthands ({@link #add(Value, Value)}, {@link #reduceSum}, {@link #unbroadcast}...)
 * serve generated graphs such as gradients. Validation and shape inference happen in the op's
 * {@link OpSchema}, so a wrong shape fails here, at the line that built the node, with a message
 * naming the node. A builder appends nodes; {@link #before(Node)} gives one that inserts them
 * before a node instead, which is how a pass replaces a node in place.
 *
 * <pre>{@code
 * Graph g = new Graph("net", OpRegistry.standard());
 * GraphBuilder b = new GraphBuilder(g);
 * Value x = b.input("input", DataType.FLOAT, Shape.batched("N", 3, 32, 32));
 * Value w = b.parameter("conv0.weight", Tensor.ofFloats(weights, 16, 3, 3, 3));
 * Value y = b.relu(null, b.conv("conv0", x, w, null, ConvOptions.builder().optPad(1).build()));
 * b.output(y, "features");
 * }</pre>
 */
public final class GraphBuilder {
    private final Graph graph;
    private final Node anchor;
    private final Map<Float, Value> scalars;
    private final Map<String, Value> longConstants;

    /**
     * Builds into a graph, appending nodes.
     *
     * @param graph the graph to add nodes to
     */
    public GraphBuilder(Graph graph) {
        this(graph, null, new HashMap<>(), new HashMap<>());
    }

    private GraphBuilder(Graph graph, Node anchor, Map<Float, Value> scalars, Map<String, Value> longConstants) {
        this.graph = graph;
        this.anchor = anchor;
        this.scalars = scalars;
        this.longConstants = longConstants;
    }

    /**
     * A builder over the same graph that inserts every node just before {@code node} (in the
     * order they are built), sharing this builder's cached constants. Initializers are not
     * positioned: they are available to every node.
     *
     * @param node a node of the graph
     * @return the inserting builder
     */
    public GraphBuilder before(Node node) {
        graph.position(node); // fails now, naming the node, rather than at the first insertion
        return new GraphBuilder(graph, node, scalars, longConstants);
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
        return anchor == null ? graph.addNode(domain, opType, name, inputs, attributes)
                : graph.insertNodeBefore(anchor, domain, opType, name, inputs, attributes);
    }

    /**
     * Adds an unnamed node of any registered op.
     *
     * @param domain the domain
     * @param opType the op type
     * @param inputs inputs (null for omitted optional ones)
     * @param attributes attributes
     * @return the node
     */
    public Node node(String domain, String opType, List<Value> inputs, Attribute... attributes) {
        return node(domain, opType, null, inputs, Arrays.asList(attributes));
    }

    /**
     * Adds an unnamed standard-domain node with one output.
     *
     * @param opType the op type
     * @param inputs inputs (null for omitted optional ones)
     * @param attributes attributes
     * @return the output
     */
    public Value op(String opType, List<Value> inputs, Attribute... attributes) {
        return node("", opType, inputs, attributes).output();
    }

    private Value op(String opType, String name, List<Value> inputs, Attribute... attributes) {
        return node("", opType, name, inputs, Arrays.asList(attributes)).output();
    }

    /**
     * A shared int64 vector constant (axes, shapes), so a graph with hundreds of reductions does
     * not carry hundreds of identical tensors.
     *
     * @param values the values
     * @return the constant
     */
    public Value longs(long... values) {
        return longConstants.computeIfAbsent(Arrays.toString(values),
                k -> constant(null, Tensor.ofLongs(values, values.length)));
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
        return node("", "Conv", name, inputs(x, w, bias), attrs).output();
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
        return node(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT, name, inputs(x, shift),
                List.of(Attribute.ofInts(AsnetDomain.STRIDES, strideH, strideW))).output();
    }

    /**
     * {@code a + b}, unnamed.
     *
     * @param a first operand
     * @param b second operand
     * @return the sum
     */
    public Value add(Value a, Value b) {
        return add(null, a, b);
    }

    /**
     * {@code a - b}, unnamed.
     *
     * @param a first operand
     * @param b second operand
     * @return the difference
     */
    public Value sub(Value a, Value b) {
        return sub(null, a, b);
    }

    /**
     * {@code a * b}, unnamed.
     *
     * @param a first operand
     * @param b second operand
     * @return the product
     */
    public Value mul(Value a, Value b) {
        return mul(null, a, b);
    }

    /**
     * {@code a * s} for a shared float scalar constant, unnamed.
     *
     * @param a the operand
     * @param s the factor
     * @return the product
     */
    public Value scale(Value a, float s) {
        return mul(a, scalar(s));
    }

    /**
     * Axis permutation, unnamed.
     *
     * @param x the input
     * @param perm output axis i is input axis perm[i]
     * @return the transposed value
     */
    public Value transpose(Value x, long... perm) {
        return transpose(null, x, perm);
    }

    /**
     * Reshape to a fully known shape through a shared target constant; no node at all when the
     * value already has that shape. (Unlike {@link #reshape(String, Value, long...)}, which
     * always adds a node and its own target, as a layer of a model does.)
     *
     * @param x the input
     * @param shape the target
     * @return the reshaped value, or {@code x}
     */
    public Value reshapeTo(Value x, long... shape) {
        if (x.shape().isFullyKnown() && Arrays.equals(x.shape().toArray(), shape)) {
            return x;
        }
        return op("Reshape", List.of(x, longs(shape)));
    }

    /**
     * Sum over axes (opset-13 {@code ReduceSum}, axes as a shared constant input). Inference
     * graphs have no use for it, so it is not in {@link OpRegistry#standard()}: the graph's
     * registry must add it, as the training registry does.
     *
     * @param x the input
     * @param keepDims whether reduced axes stay as size 1
     * @param axes the axes
     * @return the sum
     */
    public Value reduceSum(Value x, boolean keepDims, long... axes) {
        return op("ReduceSum", List.of(x, longs(axes)), Attribute.ofInt("keepdims", keepDims ? 1 : 0));
    }

    /**
     * Mean over axes ({@code ReduceMean} with the axes attribute, opsets 13 to 17). Like {@link
     * #reduceSum}, the graph's registry must add it.
     *
     * @param x the input
     * @param keepDims whether reduced axes stay as size 1
     * @param axes the axes
     * @return the mean
     */
    public Value reduceMean(Value x, boolean keepDims, long... axes) {
        return op("ReduceMean", List.of(x), Attribute.ofInts("axes", axes), Attribute.ofInt("keepdims", keepDims ? 1 : 0));
    }

    /**
     * Sums a broadcast value back to the shape of the operand it belongs to (the adjoint of numpy
     * broadcasting, as gradients need): leading axes and axes where the operand has size 1 are
     * summed. Uses {@link #reduceSum} when anything is summed.
     *
     * @param grad the value with the broadcast shape
     * @param target the operand's shape
     * @return the value with the operand's shape
     */
    public Value unbroadcast(Value grad, Shape target) {
        long[] g = grad.shape().toArray();
        long[] t = target.toArray();
        int lead = g.length - t.length;
        List<Long> axes = new ArrayList<>();
        for (int i = 0; i < g.length; i++) {
            if (i < lead || (t[i - lead] == 1 && g[i] != 1)) {
                axes.add((long) i);
            }
        }
        Value r = grad;
        if (!axes.isEmpty()) {
            r = reduceSum(grad, true, axes.stream().mapToLong(Long::longValue).toArray());
        }
        return reshapeTo(r, t);
    }
}
