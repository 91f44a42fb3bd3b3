package dev.asnet.training.autodiff.rules;

import dev.asnet.exporter.ops.GraphBuilder;

/** {@code Mul}: dA = dY * B, dB = dY * A, each summed back over broadcast axes. */
public final class MulGradient implements GradientRule {
    /** Creates the rule. */
    public MulGradient() {}

    @Override
    public void backward(GradientContext ctx) {
        GraphBuilder e = ctx.builder();
        for (int i = 0; i < 2; i++) {
            if (ctx.needsGrad(i)) {
                ctx.addInputGrad(i, e.unbroadcast(e.mul(ctx.outputGrad(0), ctx.entry().input(1 - i)),
                        ctx.entry().input(i).shape()));
            }
        }
    }
}
