package dev.asnet.training.autodiff.rules;

import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.GraphBuilder;
import java.util.List;

/**
 * {@code Clip(X, min, max)}: the gradient passes where {@code min < X < max}. With Y the clipped
 * value, {@code Sign(Y - min)} and {@code Sign(max - Y)} are 1 inside and 0 at a bound, so their
 * product is the mask. The bounds are constants and get no gradient.
 */
public final class ClipGradient implements GradientRule {
    /** Creates the rule. */
    public ClipGradient() {}

    @Override
    public void backward(GradientContext ctx) {
        if (!ctx.needsGrad(0)) {
            return;
        }
        GraphBuilder e = ctx.builder();
        Value y = ctx.entry().outputs().get(0);
        Value g = ctx.outputGrad(0);
        Value min = ctx.entry().input(1);
        Value max = ctx.entry().input(2);
        if (min != null) {
            g = e.mul(g, e.op("Sign", List.of(e.sub(y, min))));
        }
        if (max != null) {
            g = e.mul(g, e.op("Sign", List.of(e.sub(max, y))));
        }
        ctx.addInputGrad(0, g);
    }
}
