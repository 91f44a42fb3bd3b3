package dev.asnet.training.autodiff;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.ops.GraphBuilder;
import java.util.List;

/** Emits the in-graph SGD update of one parameter (see {@link SgdOptions}). */
public final class SgdUpdate {
    /** Below this norm a shift gradient is treated as zero (it is divided by the norm otherwise). */
    private static final float MIN_NORM = 1e-12f;

    private SgdUpdate() {}

    /**
     * The parameter and momentum after the step.
     *
     * @param parameter the new parameter
     * @param momentum the new momentum buffer
     */
    public record Result(Value parameter, Value momentum) {}

    /**
     * Emits one update.
     *
     * @param e the builder of the training graph
     * @param p the parameter
     * @param grad its gradient
     * @param v its momentum buffer
     * @param lr the (already multiplied) learning rate, a scalar
     * @param kind the parameter kind
     * @param o the optimizer settings
     * @return the new parameter and momentum
     */
    public static Result emit(GraphBuilder e, Value p, Value grad, Value v, Value lr, ParameterKind kind, SgdOptions o) {
        return emit(e, p, grad, v, lr, kind, o, TrainingKernels.STANDARD);
    }

    /**
     * Emits one update with the given kind of ops: with {@link TrainingKernels#FUSED} the momentum
     * step is one {@code dev.asnet::SgdMomentumUpdate} node (the same floats as the standard chain),
     * otherwise standard element-wise ops. A shift's per-channel gradient normalization is standard
     * ops in both.
     *
     * @param e the builder of the training graph
     * @param p the parameter
     * @param grad its gradient
     * @param v its momentum buffer
     * @param lr the (already multiplied) learning rate, a scalar
     * @param kind the parameter kind
     * @param o the optimizer settings
     * @param kernels fused asnet op or standard ONNX ops
     * @return the new parameter and momentum
     */
    public static Result emit(GraphBuilder e, Value p, Value grad, Value v, Value lr, ParameterKind kind, SgdOptions o,
            TrainingKernels kernels) {
        Value g = grad;
        if (kind == ParameterKind.SHIFT && o.normalizeShiftGrad()) {
            // Per channel (row of [C, 2]): (gx, gy) / ||(gx, gy)||; a zero gradient stays zero
            // because the divisor is clamped away from 0 and the numerator is 0.
            Value norm = e.op("Sqrt", List.of(e.reduceSum(e.mul(g, g), true, 1)));
            g = e.op("Div", List.of(g, e.op("Max", List.of(norm, e.scalar(MIN_NORM)))));
        }
        float decay = kind == ParameterKind.WEIGHT ? o.weightDecay() : 0f;
        if (kernels == TrainingKernels.FUSED) {
            Node n = e.node(AsnetDomain.DOMAIN, AsnetDomain.SGD_MOMENTUM_UPDATE, List.of(p, g, v, lr),
                    Attribute.ofFloat(AsnetDomain.MOMENTUM, o.momentum()), Attribute.ofFloat(AsnetDomain.WEIGHT_DECAY, decay),
                    Attribute.ofInt(AsnetDomain.NESTEROV, o.nesterov() ? 1 : 0));
            return new Result(n.outputs().get(0), n.outputs().get(1));
        }
        // The arithmetic runs on flat views: ONNX Runtime 1.29 multiplies a tensor of shape
        // [Co, Ci, 1, 1] by a scalar about 20x slower than the same values as one axis (its
        // broadcast loop walks the trailing unit axes), and a conv weight is such a tensor.
        long[] shape = p.shape().toArray();
        Value flatP = flat(e, p);
        Value flatV = flat(e, v);
        g = flat(e, g);
        if (decay != 0f) {
            g = e.add(g, e.scale(flatP, decay));
        }
        Value v2 = e.add(e.scale(flatV, o.momentum()), g);
        Value step = o.nesterov() ? e.add(g, e.scale(v2, o.momentum())) : v2;
        Value p2 = e.sub(flatP, e.mul(step, lr));
        return new Result(unflat(e, p2, shape), unflat(e, v2, shape));
    }

    /** x as one axis (a Reshape, which ONNX Runtime runs in place), or x itself when it has one. */
    private static Value flat(GraphBuilder e, Value x) {
        long[] shape = x.shape().toArray();
        if (shape.length == 1) {
            return x;
        }
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return e.reshapeTo(x, n);
    }

    private static Value unflat(GraphBuilder e, Value x, long[] shape) {
        return shape.length == 1 ? x : e.reshapeTo(x, shape);
    }
}
