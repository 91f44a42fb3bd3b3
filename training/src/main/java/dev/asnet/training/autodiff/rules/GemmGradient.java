package dev.asnet.training.autodiff.rules;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.GraphBuilder;
import java.util.List;

/**
 * {@code Gemm}: {@code Y = alpha * A' B' + beta * C}. Each input gradient is itself one Gemm whose
 * transpose flags absorb those of the forward op, so no Transpose nodes are emitted.
 */
public final class GemmGradient implements GradientRule {
    /** Creates the rule. */
    public GemmGradient() {}

    @Override
    public void backward(GradientContext ctx) {
        TapeEntry t = ctx.entry();
        GraphBuilder e = ctx.builder();
        boolean ta = t.intAttr("transA", 0) == 1;
        boolean tb = t.intAttr("transB", 0) == 1;
        float alpha = t.floatAttr("alpha", 1f);
        float beta = t.floatAttr("beta", 1f);
        Value dy = ctx.outputGrad(0);
        Value a = t.input(0);
        Value b = t.input(1);
        if (ctx.needsGrad(0)) {
            // A' = A: dA = dY B'^T; A' = A^T: dA = B' dY^T.
            Value da = ta ? gemm(e, b, dy, tb, true, alpha) : gemm(e, dy, b, false, !tb, alpha);
            ctx.addInputGrad(0, da);
        }
        if (ctx.needsGrad(1)) {
            // B' = B: dB = A'^T dY; B' = B^T: dB = dY^T A'.
            Value db = tb ? gemm(e, dy, a, true, ta, alpha) : gemm(e, a, dy, !ta, false, alpha);
            ctx.addInputGrad(1, db);
        }
        if (ctx.needsGrad(2)) {
            Value dc = e.unbroadcast(dy, t.input(2).shape());
            ctx.addInputGrad(2, beta == 1f ? dc : e.scale(dc, beta));
        }
    }

    private static Value gemm(GraphBuilder e, Value a, Value b, boolean ta, boolean tb, float alpha) {
        return e.op("Gemm", List.of(a, b), Attribute.ofFloat("alpha", alpha), Attribute.ofInt("transA", ta ? 1 : 0),
                Attribute.ofInt("transB", tb ? 1 : 0));
    }
}
