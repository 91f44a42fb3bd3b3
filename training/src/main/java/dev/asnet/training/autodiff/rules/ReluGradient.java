package dev.asnet.training.autodiff.rules;

import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.training.autodiff.Emitter;
import dev.asnet.training.autodiff.GradientContext;
import dev.asnet.training.autodiff.GradientRule;
import dev.asnet.training.autodiff.TrainingKernels;
import java.util.List;

/**
 * {@code Relu}: {@code dX = dY * [X > 0]}. With {@link TrainingKernels#FUSED} that is one
 * {@code dev.asnet::ReluGrad} node; in standard ops the mask is {@code Sign(Y)}, which is exactly 0
 * or 1 because Y is never negative, so no boolean tensors (which the IR does not model) are needed.
 */
public final class ReluGradient implements GradientRule {
    private final TrainingKernels kernels;

    /**
     * Creates the rule.
     *
     * @param kernels the ops to emit
     */
    public ReluGradient(TrainingKernels kernels) {
        this.kernels = kernels;
    }

    @Override
    public void backward(GradientContext ctx) {
        if (!ctx.needsGrad(0)) {
            return;
        }
        Emitter e = ctx.emitter();
        Value y = ctx.entry().outputs().get(0);
        if (kernels == TrainingKernels.FUSED) {
            ctx.addInputGrad(0, e.node(AsnetDomain.DOMAIN, AsnetDomain.RELU_GRAD, List.of(ctx.outputGrad(0), y))
                    .outputs().get(0));
            return;
        }
        Value mask = e.op("Sign", List.of(y));
        ctx.addInputGrad(0, e.mul(ctx.outputGrad(0), mask));
    }
}
