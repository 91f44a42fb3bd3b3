package dev.asnet.training.autodiff.rules;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ops.AsnetDomain;
import java.util.List;

/**
 * {@code dev.asnet::ActiveShift}: one {@code dev.asnet::ActiveShiftGrad} node computes both dX and
 * dShift (summed over batch and space, not normalized: normalization is the optimizer's job).
 */
public final class ActiveShiftGradient implements GradientRule {
    /** Creates the rule. */
    public ActiveShiftGradient() {}

    @Override
    public void backward(GradientContext ctx) {
        TapeEntry t = ctx.entry();
        long[] strides = t.intsAttr(AsnetDomain.STRIDES, new long[] {1, 1});
        Node grad = ctx.builder().node(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT_GRAD,
                List.of(ctx.outputGrad(0), t.input(0), t.input(1)), Attribute.ofInts(AsnetDomain.STRIDES, strides));
        if (ctx.needsGrad(0)) {
            ctx.addInputGrad(0, grad.outputs().get(0));
        }
        if (ctx.needsGrad(1)) {
            ctx.addInputGrad(1, grad.outputs().get(1));
        }
    }
}
