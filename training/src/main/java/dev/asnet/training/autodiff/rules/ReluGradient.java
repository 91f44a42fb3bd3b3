package dev.asnet.training.autodiff.rules;

import dev.asnet.exporter.ir.Value;
import dev.asnet.training.autodiff.Emitter;
import dev.asnet.training.autodiff.GradientContext;
import dev.asnet.training.autodiff.GradientRule;
import java.util.List;

/**
 * {@code Relu}: {@code dX = dY * [X > 0]}. The mask is {@code Sign(Y)}, which is exactly 0 or 1
 * because Y is never negative, so no boolean tensors (which the IR does not model) are needed.
 */
public final class ReluGradient implements GradientRule {
    /** Creates the rule. */
    public ReluGradient() {}

    @Override
    public void backward(GradientContext ctx) {
        if (!ctx.needsGrad(0)) {
            return;
        }
        Emitter e = ctx.emitter();
        Value mask = e.op("Sign", List.of(ctx.entry().outputs().get(0)));
        ctx.addInputGrad(0, e.mul(ctx.outputGrad(0), mask));
    }
}
