package dev.asnet.training.autodiff.rules;

import dev.asnet.exporter.ops.GraphBuilder;
import java.util.List;

/** {@code Sub}: dA = dY, dB = -dY, each summed back over broadcast axes. */
public final class SubGradient implements GradientRule {
    /** Creates the rule. */
    public SubGradient() {}

    @Override
    public void backward(GradientContext ctx) {
        GraphBuilder e = ctx.builder();
        if (ctx.needsGrad(0)) {
            ctx.addInputGrad(0, e.unbroadcast(ctx.outputGrad(0), ctx.entry().input(0).shape()));
        }
        if (ctx.needsGrad(1)) {
            ctx.addInputGrad(1, e.unbroadcast(e.op("Neg", List.of(ctx.outputGrad(0))), ctx.entry().input(1).shape()));
        }
    }
}
