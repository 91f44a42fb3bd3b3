package dev.asnet.exporter.count;

import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.InitializerRole;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.AsnetDomain;

/**
 * Counts parameters and multiply-accumulates of a graph for batch size 1: symbolic and unknown
 * dimensions count as 1, which is right for a symbolic batch dimension, the only kind asnet
 * leaves free.
 *
 * <p>MACs follow the usual convention for published network sizes: a Conv costs
 * {@code M * H_out * W_out * (C / groups) * kH * kW}, Gemm {@code M * K * N}, MatMul the product of
 * its output size and inner dimension; bias additions, normalization, activations, pooling and
 * shifts are not counted as MACs.
 */
public final class CostCounter {
    /**
     * What a count becomes when it does not fit in a {@code long} (absurd dimensions in a model read
     * from a file): counts saturate at this value instead of wrapping to a wrong or negative number.
     */
    public static final long SATURATED = Long.MAX_VALUE;

    private CostCounter() {}

    /**
     * Multiplies two counts without wrapping.
     *
     * @param a a count, {@code >= 0}
     * @param b a count, {@code >= 0}
     * @return {@code a * b}, or {@link #SATURATED} when that does not fit in a {@code long}
     */
    public static long times(long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            return SATURATED;
        }
    }

    /**
     * Adds two counts without wrapping.
     *
     * @param a a count, {@code >= 0}
     * @param b a count, {@code >= 0}
     * @return {@code a + b}, or {@link #SATURATED} when that does not fit in a {@code long}
     */
    public static long plus(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            return SATURATED;
        }
    }

    /**
     * Counts a graph.
     *
     * @param graph the graph
     * @return the counts, each saturated at {@link #SATURATED}
     */
    public static Cost count(Graph graph) {
        long params = 0;
        long buffers = 0;
        for (Value v : graph.initializers()) {
            if (v.role() == InitializerRole.PARAMETER) {
                params = plus(params, v.data().size());
            } else if (v.role() == InitializerRole.BUFFER) {
                buffers = plus(buffers, v.data().size());
            }
        }
        long macs = 0;
        long shifts = 0;
        for (Node n : graph.nodes()) {
            macs = plus(macs, macs(n));
            if (n.domain().equals(AsnetDomain.DOMAIN) && n.opType().equals(AsnetDomain.ACTIVE_SHIFT)) {
                shifts = plus(shifts, n.output().shape().numElements(1));
            }
        }
        return new Cost(params, buffers, macs, shifts);
    }

    /**
     * Multiply-accumulates of one node for batch size 1.
     *
     * @param n the node
     * @return its MACs (0 for ops that are not counted), saturated at {@link #SATURATED}
     */
    public static long macs(Node n) {
        if (!n.domain().isEmpty()) {
            return 0;
        }
        switch (n.opType()) {
            case "Conv": {
                Shape w = n.input(1).shape();
                long perOutput = times(times(w.dim(1).value(), w.dim(2).value()), w.dim(3).value());
                return times(n.output().shape().numElements(1), perOutput);
            }
            case "Gemm": {
                Shape a = n.input(0).shape();
                boolean transA = n.attribute("transA").map(x -> x.asInt() != 0).orElse(false);
                long k = a.dim(transA ? 0 : 1).isKnown() ? a.dim(transA ? 0 : 1).value() : 1;
                return times(n.output().shape().numElements(1), k);
            }
            case "MatMul": {
                Shape a = n.input(0).shape();
                long k = a.dim(-1).isKnown() ? a.dim(-1).value() : 1;
                return times(n.output().shape().numElements(1), k);
            }
            default:
                return 0;
        }
    }
}
