package dev.asnet.training.autodiff;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.GraphBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds the nodes of a training graph. A thin layer over {@link GraphBuilder} for the ops that
 * gradient rules and the optimizer need, with cached constants so a graph with hundreds of
 * reductions does not carry hundreds of identical axis tensors.
 */
public final class Emitter {
    private final Graph graph;
    private final GraphBuilder builder;
    private final Map<String, Value> longConstants = new HashMap<>();

    /**
     * Emits into a graph that must use {@link TrainingOps#registry()} (or a superset).
     *
     * @param graph the training graph
     */
    public Emitter(Graph graph) {
        this.graph = graph;
        this.builder = new GraphBuilder(graph);
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
     * The typed builder over the same graph.
     *
     * @return the builder
     */
    public GraphBuilder builder() {
        return builder;
    }

    /**
     * Adds a standard-domain node with one output.
     *
     * @param opType the op type
     * @param inputs the inputs
     * @param attributes the attributes
     * @return the output
     */
    public Value op(String opType, List<Value> inputs, Attribute... attributes) {
        return node("", opType, inputs, attributes).output();
    }

    /**
     * Adds a node of any domain.
     *
     * @param domain the domain
     * @param opType the op type
     * @param inputs the inputs
     * @param attributes the attributes
     * @return the node
     */
    public Node node(String domain, String opType, List<Value> inputs, Attribute... attributes) {
        return graph.addNode(domain, opType, null, inputs, Arrays.asList(attributes));
    }

    /**
     * A shared float scalar constant.
     *
     * @param v the value
     * @return the constant
     */
    public Value scalar(float v) {
        return builder.scalar(v);
    }

    /**
     * A shared int64 vector constant.
     *
     * @param values the values
     * @return the constant
     */
    public Value longs(long... values) {
        return longConstants.computeIfAbsent(Arrays.toString(values),
                k -> builder.constant(null, Tensor.ofLongs(values, values.length)));
    }

    /**
     * {@code a + b}.
     *
     * @param a first operand
     * @param b second operand
     * @return the sum
     */
    public Value add(Value a, Value b) {
        return op("Add", List.of(a, b));
    }

    /**
     * {@code a - b}.
     *
     * @param a first operand
     * @param b second operand
     * @return the difference
     */
    public Value sub(Value a, Value b) {
        return op("Sub", List.of(a, b));
    }

    /**
     * {@code a * b}.
     *
     * @param a first operand
     * @param b second operand
     * @return the product
     */
    public Value mul(Value a, Value b) {
        return op("Mul", List.of(a, b));
    }

    /**
     * {@code a * s} for a float constant.
     *
     * @param a the operand
     * @param s the factor
     * @return the product
     */
    public Value scale(Value a, float s) {
        return mul(a, scalar(s));
    }

    /**
     * Sum over axes.
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
     * Mean over axes.
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
     * Reshape to a fully known shape (a no-op when the shape already matches).
     *
     * @param x the input
     * @param shape the target
     * @return the reshaped value
     */
    public Value reshape(Value x, long... shape) {
        if (x.shape().isFullyKnown() && Arrays.equals(x.shape().toArray(), shape)) {
            return x;
        }
        return op("Reshape", List.of(x, longs(shape)));
    }

    /**
     * Axis permutation.
     *
     * @param x the input
     * @param perm output axis i is input axis perm[i]
     * @return the transposed value
     */
    public Value transpose(Value x, long... perm) {
        return op("Transpose", List.of(x), Attribute.ofInts("perm", perm));
    }

    /**
     * Sums a broadcast gradient back to the shape of the operand it belongs to (the adjoint of
     * numpy broadcasting): leading axes and axes where the operand has size 1 are summed.
     *
     * @param grad the gradient with the broadcast shape
     * @param target the operand's shape
     * @return the gradient with the operand's shape
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
        return reshape(r, t);
    }
}
