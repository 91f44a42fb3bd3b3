package dev.asnet.training.autodiff.rules;

import dev.asnet.exporter.ops.GraphBuilder;

/** {@code Add}: both operands receive dY, summed back over broadcast axes. */
public final class AddGradient implements GradientRule {
    /** Creates the rule. */
    public AddGradient() {}

    @Override
    public void backward(GradientContext ctx) {
        GraphBuilder e = ctx.builder();
        for (int i = 0; i < 2; i++) {
            if (ctx.needsGrad(i)) {
                ctx.addInputGrad(i, e.unbroadcast(ctx.outputGrad(0), ctx.entry().input(i).shape()));
            }
        }
    }
}
