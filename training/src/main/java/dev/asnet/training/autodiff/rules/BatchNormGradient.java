package dev.asnet.training.autodiff.rules;

import dev.asnet.exporter.ir.Value;
import dev.asnet.training.autodiff.Emitter;
import dev.asnet.training.autodiff.GradientContext;
import dev.asnet.training.autodiff.GradientRule;
import dev.asnet.training.autodiff.TapeEntry;
import dev.asnet.training.autodiff.BatchNormTraining;

/**
 * {@code BatchNormalization} in training mode (batch statistics; the forward is emitted by
 * {@link BatchNormTraining}, which saves the centered input {@code xc}, {@code invstd} and
 * {@code a = gamma * invstd}). With sums over batch and space, n elements per channel:
 * <pre>
 * dbeta  = sum(dy)
 * dgamma = sum(dy * xc) * invstd
 * dx     = a * (dy - sum(dy)/n - xc * invstd^2 * sum(dy * xc)/n)
 * </pre>
 * dx is emitted as {@code dy*a + xc*k + c} with per-channel k and c, so it costs three passes
 * over the activation besides the two reductions.
 */
public final class BatchNormGradient implements GradientRule {
    /** Creates the rule. */
    public BatchNormGradient() {}

    @Override
    public void backward(GradientContext ctx) {
        TapeEntry t = ctx.entry();
        Emitter e = ctx.emitter();
        Value dy = ctx.outputGrad(0);
        Value xc = t.saved().get(BatchNormTraining.CENTERED);
        Value invstd = t.saved().get(BatchNormTraining.INV_STD);
        Value a = t.saved().get(BatchNormTraining.SCALE);
        long[] shape = dy.shape().toArray();
        long[] axes = BatchNormTraining.reductionAxes(shape.length);
        long n = 1;
        for (long ax : axes) {
            n *= shape[(int) ax];
        }
        long c = shape[1];
        Value sumDy = e.reduceSum(dy, true, axes);
        Value sumDyXc = e.reduceSum(e.mul(dy, xc), true, axes);
        if (ctx.needsGrad(2)) {
            ctx.addInputGrad(2, e.reshape(sumDy, c));
        }
        if (ctx.needsGrad(1)) {
            ctx.addInputGrad(1, e.reshape(e.mul(sumDyXc, invstd), c));
        }
        if (ctx.needsGrad(0)) {
            Value k = e.mul(e.mul(a, e.mul(invstd, invstd)), e.scale(sumDyXc, -1f / n));
            Value bias = e.mul(a, e.scale(sumDy, -1f / n));
            ctx.addInputGrad(0, e.add(e.add(e.mul(dy, a), e.mul(xc, k)), bias));
        }
    }
}
