package dev.asnet.training.autodiff.rules;

import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.ops.GraphBuilder;
import java.util.List;

/**
 * {@code Relu}: {@code dX = dY * [X > 0]}. With asnet's fused training ops that is one
 * {@code dev.asnet::ReluGrad} node; in standard ops the mask is {@code Sign(Y)}, which is exactly 0
 * or 1 because Y is never negative, so no boolean tensors (which the IR does not model) are needed.
 */
public final class ReluGradient implements GradientRule {
    private final boolean fused;

    /**
     * Creates the rule.
     *
     * @param fused emit {@code dev.asnet::ReluGrad} (true) or standard ops (false)
     */
    public ReluGradient(boolean fused) {
        this.fused = fused;
    }

    @Override
    public void backward(GradientContext ctx) {
        if (!ctx.needsGrad(0)) {
            return;
        }
        GraphBuilder e = ctx.builder();
        Value y = ctx.entry().outputs().get(0);
        if (fused) {
            ctx.addInputGrad(0, e.node(AsnetDomain.DOMAIN, AsnetDomain.RELU_GRAD, List.of(ctx.outputGrad(0), y))
                    .outputs().get(0));
            return;
        }
        Value mask = e.op("Sign", List.of(y));
        ctx.addInputGrad(0, e.mul(ctx.outputGrad(0), mask));
    }
}
