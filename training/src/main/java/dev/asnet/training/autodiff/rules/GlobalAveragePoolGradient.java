package dev.asnet.training.autodiff.rules;

import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.GraphBuilder;
import java.util.Arrays;

/**
 * {@code GlobalAveragePool}: every input position receives {@code dY / (H*W)}. Written as one
 * broadcasting Mul of dY [N, C, 1, 1] with a constant [1, 1, H, W] filled with 1/(H*W).
 */
public final class GlobalAveragePoolGradient implements GradientRule {
    /** Creates the rule. */
    public GlobalAveragePoolGradient() {}

    @Override
    public void backward(GradientContext ctx) {
        if (!ctx.needsGrad(0)) {
            return;
        }
        GraphBuilder e = ctx.builder();
        long[] x = ctx.entry().input(0).shape().toArray();
        long[] dims = new long[x.length];
        Arrays.fill(dims, 1);
        int spatial = 1;
        for (int i = 2; i < x.length; i++) {
            dims[i] = x[i];
            spatial *= (int) x[i];
        }
        float[] fill = new float[spatial];
        Arrays.fill(fill, 1f / spatial);
        Value spread = e.constant(null, Tensor.ofFloats(fill, dims));
        ctx.addInputGrad(0, e.mul(ctx.outputGrad(0), spread));
    }
}
