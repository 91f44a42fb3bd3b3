package dev.asnet.training.autodiff.rules;


/** {@code Reshape} and {@code Flatten}: the gradient is dY reshaped back to the input's shape. */
public final class ReshapeGradient implements GradientRule {
    /** Creates the rule. */
    public ReshapeGradient() {}

    @Override
    public void backward(GradientContext ctx) {
        if (ctx.needsGrad(0)) {
            ctx.addInputGrad(0, ctx.builder().reshapeTo(ctx.outputGrad(0), ctx.entry().input(0).shape().toArray()));
        }
    }
}
