package dev.asnet.training.autodiff.rules;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.ops.GraphBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code BatchNormalization} in training mode (batch statistics; the forward is emitted by
 * {@link BatchNormStatistics}, which saves the batch mean, {@code invstd} and {@code a = gamma *
 * invstd}). With sums over batch and space, n elements per channel and {@code xc = x - mean}:
 * <pre>
 * dbeta  = sum(dy)
 * dgamma = sum(dy * xc) * invstd,  sum(dy * xc) = sum(dy * x) - mean * sum(dy)
 * dx     = a * dy + k * xc + c,  k = -a * invstd^2 * sum(dy * xc) / n,  c = -a * sum(dy) / n
 * </pre>
 * {@code k * xc + c} is one per-channel affine pass ({@link BatchNormStatistics#channelAffine}), so
 * the centered input is never materialized: four passes over the activation plus two reductions.
 * When the forward was the fused {@code dev.asnet::BatchNormTraining} (its tape entry saved the batch
 * variance), one {@code dev.asnet::BatchNormTrainingGrad} node computes all three in two passes;
 * when that forward also folded the following ReLU, {@code dev.asnet::BatchNormReluTrainingGrad}
 * does, masking dY where the ReLU blocked (the ReLU has no gradient step of its own); when it also
 * folded the ActiveShift after that ReLU, {@code dev.asnet::BatchNormReluShiftTrainingGrad} gives the
 * gradients of x, gamma, beta and the shift (input 3 of the tape entry) at once. The fused
 * gradients take the gradient x has already received from its other users as their optional
 * dX_add input, so no Add node sums the two.
 */
public final class BatchNormGradient implements GradientRule {
    /** Creates the rule. */
    public BatchNormGradient() {}

    @Override
    public void backward(GradientContext ctx) {
        TapeEntry t = ctx.entry();
        GraphBuilder e = ctx.builder();
        Value dy = ctx.outputGrad(0);
        Value x = t.input(0);
        Value mean = t.saved().get(BatchNormStatistics.MEAN);
        Value batchVar = t.saved().get(BatchNormStatistics.VAR);
        Value shift = t.saved().get(BatchNormStatistics.SHIFT);
        if (shift != null) {
            float eps = t.floatAttr("epsilon", 1e-5f);
            long[] strides = t.intsAttr(AsnetDomain.STRIDES, new long[] {1, 1});
            Node grad = e.node(AsnetDomain.DOMAIN, AsnetDomain.BATCH_NORM_RELU_SHIFT_TRAINING_GRAD,
                    List.of(dy, x, t.input(1), t.input(2), mean, batchVar, shift), Attribute.ofFloat(AsnetDomain.EPSILON, eps),
                    Attribute.ofInts(AsnetDomain.STRIDES, strides));
            for (int i = 0; i < 4; i++) {
                if (ctx.needsGrad(i)) {
                    ctx.addInputGrad(i, grad.outputs().get(i));
                }
            }
            return;
        }
        if (batchVar != null) {
            float eps = t.floatAttr("epsilon", 1e-5f);
            boolean relu = t.saved().containsKey(BatchNormStatistics.RELU_OUTPUT);
            List<Value> inputs = new ArrayList<>(relu ? List.of(dy, x, t.input(1), t.input(2), mean, batchVar)
                    : List.of(dy, x, t.input(1), mean, batchVar));
            // X's gradient from its other users (a pre-activation BN's input is also the residual
            // shortcut's) is added by the op itself, in the pass that writes dX.
            Value sofar = ctx.needsGrad(0) ? ctx.accumulatedGrad(0) : null;
            if (sofar != null) {
                inputs.add(sofar);
            }
            Node grad = e.node(AsnetDomain.DOMAIN,
                    relu ? AsnetDomain.BATCH_NORM_RELU_TRAINING_GRAD : AsnetDomain.BATCH_NORM_TRAINING_GRAD, inputs,
                    Attribute.ofFloat(AsnetDomain.EPSILON, eps));
            if (sofar != null) {
                ctx.replaceInputGrad(0, grad.outputs().get(0));
            } else if (ctx.needsGrad(0)) {
                ctx.addInputGrad(0, grad.outputs().get(0));
            }
            for (int i = 1; i < 3; i++) {
                if (ctx.needsGrad(i)) {
                    ctx.addInputGrad(i, grad.outputs().get(i));
                }
            }
            return;
        }
        Value invstd = t.saved().get(BatchNormStatistics.INV_STD);
        Value a = t.saved().get(BatchNormStatistics.SCALE);
        long[] shape = dy.shape().toArray();
        long[] axes = BatchNormStatistics.reductionAxes(shape.length);
        long n = 1;
        for (long ax : axes) {
            n *= shape[(int) ax];
        }
        long c = shape[1];
        Value sumDy = e.reshapeTo(e.reduceSum(dy, true, axes), c);
        Value sumDyX = e.reshapeTo(e.reduceSum(e.mul(dy, x), true, axes), c);
        Value sumDyXc = e.sub(sumDyX, e.mul(mean, sumDy));
        Value invstdC = e.reshapeTo(invstd, c);
        Value aC = e.reshapeTo(a, c);
        if (ctx.needsGrad(2)) {
            ctx.addInputGrad(2, sumDy);
        }
        if (ctx.needsGrad(1)) {
            ctx.addInputGrad(1, e.mul(sumDyXc, invstdC));
        }
        if (ctx.needsGrad(0)) {
            Value k = e.mul(e.mul(aC, e.mul(invstdC, invstdC)), e.scale(sumDyXc, -1f / n));
            Value bias = e.mul(aC, e.scale(sumDy, -1f / n));
            Value affine = BatchNormStatistics.channelAffine(e, x, k, bias, mean);
            ctx.addInputGrad(0, e.add(e.mul(dy, a), affine));
        }
    }
}
