package dev.asnet.training.autodiff.rules;

import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.ops.GraphBuilder;
import java.util.List;

/**
 * {@code Conv} (2-D, any groups, strides and pads, dilation 1).
 * <ul>
 *   <li>dX is a {@code ConvTranspose} of dY with the same weight, strides, pads and groups; its
 *       {@code output_padding} restores the rows and columns a strided forward never read.</li>
 *   <li>dW is itself a convolution: batch and channel axes swap roles, so the images become the
 *       "channels" that are summed and dY becomes the kernel, dilated by the forward stride. With
 *       groups, each group's N batch channels are convolved with that group's dY channels;
 *       channels inside a group become the batch. Rows and columns beyond the kernel (left over
 *       when the stride does not divide the padded extent) are cut with Slice.</li>
 *   <li>1x1 convs without padding (stride 1, or strided: the pixels a strided one reads, taken with
 *       Slice) get dW as batched matrix products instead.</li>
 *   <li>dB sums dY over batch and space.</li>
 * </ul>
 * With asnet's fused training ops, a depthwise Conv (one filter per channel) gets dX and dW from
 * one {@code dev.asnet::DepthwiseConvGrad} node instead: ONNX Runtime runs the grouped
 * ConvTranspose and the grouped weight-gradient convolution above one channel at a time with
 * algorithms built for many channels per group, which made them most of a depthwise network's
 * training step.
 */
public final class ConvGradient implements GradientRule {
    private final boolean fused;

    /**
     * Creates the rule.
     *
     * @param fused emit {@code dev.asnet::DepthwiseConvGrad} for depthwise convs (true) or only
     *     standard ops (false)
     */
    public ConvGradient(boolean fused) {
        this.fused = fused;
    }

    @Override
    public void backward(GradientContext ctx) {
        TapeEntry t = ctx.entry();
        GraphBuilder e = ctx.builder();
        long[] dil = t.intsAttr("dilations", new long[] {1, 1});
        if (dil[0] != 1 || dil[1] != 1) {
            throw new IllegalArgumentException("Conv gradient supports dilation 1 only, got dilations " + dil[0] + "x" + dil[1]);
        }
        long[] s = t.intsAttr("strides", new long[] {1, 1});
        long[] p = t.intsAttr("pads", new long[] {0, 0, 0, 0});
        long group = t.intAttr("group", 1);
        Value x = t.input(0);
        Value w = t.input(1);
        Value dy = ctx.outputGrad(0);
        long[] xs = x.shape().toArray();
        long[] ws = w.shape().toArray();
        long[] ys = dy.shape().toArray();
        // Rows/columns at the end of the padded input that no output window reaches.
        long extraH = (xs[2] + p[0] + p[2] - ws[2]) % s[0];
        long extraW = (xs[3] + p[1] + p[3] - ws[3]) % s[1];
        boolean oneByOne = ws[2] == 1 && ws[3] == 1 && group == 1 && p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0;
        boolean pointwise = oneByOne && s[0] == 1 && s[1] == 1;
        boolean depthwise = fused && group == xs[1] && ws[0] == xs[1] && ws[1] == 1;
        if (depthwise && (ctx.needsGrad(0) || ctx.needsGrad(1))) {
            Node grad = e.node(AsnetDomain.DOMAIN, AsnetDomain.DEPTHWISE_CONV_GRAD, List.of(dy, x, w),
                    Attribute.ofInts(AsnetDomain.STRIDES, s), Attribute.ofInts(AsnetDomain.PADS, p));
            if (ctx.needsGrad(0)) {
                ctx.addInputGrad(0, grad.outputs().get(0));
            }
            if (ctx.needsGrad(1)) {
                ctx.addInputGrad(1, grad.outputs().get(1));
            }
        } else if (pointwise) {
            pointwise(ctx, e, x, w, dy, xs, ws);
        } else if (ctx.needsGrad(0)) {
            Value dx = e.op("ConvTranspose", List.of(dy, w), Attribute.ofInts("strides", s), Attribute.ofInts("pads", p),
                    Attribute.ofInt("group", group), Attribute.ofInts("output_padding", extraH, extraW),
                    Attribute.ofInts("kernel_shape", ws[2], ws[3]));
            ctx.addInputGrad(0, dx);
        }
        if (ctx.needsGrad(1) && oneByOne && !pointwise) {
            // A strided 1x1 conv (a ResNet's projection shortcut) reads every s-th pixel: its dW is
            // the pointwise one over those pixels. As a convolution with dY as a 14x14-or-so kernel
            // dilated by the stride it took ONNX Runtime ~25x longer.
            Value sampled = e.op("Slice", List.of(x, e.longs(0, 0), e.longs(xs[2], xs[3]), e.longs(2, 3), e.longs(s[0], s[1])));
            long[] ss = {xs[0], xs[1], ys[2], ys[3]};
            ctx.addInputGrad(1, pointwiseWeightGrad(e, e.reshapeTo(sampled, ss), dy, ss, ws));
        } else if (ctx.needsGrad(1) && !pointwise && !depthwise) {
            ctx.addInputGrad(1, weightGrad(e, x, dy, xs, ws, ys, s, p, group, extraH, extraW));
        }
        if (ctx.needsGrad(2)) {
            ctx.addInputGrad(2, e.reduceSum(dy, false, 0, 2, 3));
        }
    }

    /**
     * 1x1 stride-1 convs (most of an AS-ResNet's arithmetic) as batched matrix products over
     * [N, channels, H*W]: a convolution-shaped dW would run one matrix-vector product per input
     * channel over the whole batch, which is memory-bound and far slower.
     */
    private static void pointwise(GradientContext ctx, GraphBuilder e, Value x, Value w, Value dy, long[] xs, long[] ws) {
        long n = xs[0];
        long c = xs[1];
        long m = ws[0];
        long hw = xs[2] * xs[3];
        Value dy3 = e.reshapeTo(dy, n, m, hw);
        Value w2 = e.reshapeTo(w, m, c);
        if (ctx.needsGrad(0)) {
            // dX[n] = W^T dY[n]: the [C, M] matrix broadcast over the batch.
            Value dx3 = e.op("MatMul", List.of(e.transpose(w2, 1, 0), dy3));
            ctx.addInputGrad(0, e.reshapeTo(dx3, xs));
        }
        if (ctx.needsGrad(1)) {
            ctx.addInputGrad(1, pointwiseWeightGrad(e, x, dy, xs, ws));
        }
    }

    /** dW of a 1x1 conv whose output pixel k read input pixel k of x ([N, C, H, W], dY [N, M, H, W]). */
    private static Value pointwiseWeightGrad(GraphBuilder e, Value x, Value dy, long[] xs, long[] ws) {
        long n = xs[0];
        long c = xs[1];
        long m = ws[0];
        long hw = xs[2] * xs[3];
        Value dy3 = e.reshapeTo(dy, n, m, hw);
        Value x3 = e.reshapeTo(x, n, c, hw);
        Value dw;
        // Transpose whichever activation has fewer channels; the other stays in place.
        if (c <= m) {
            dw = e.reduceSum(e.op("MatMul", List.of(dy3, e.transpose(x3, 0, 2, 1))), false, 0); // [M, C]
        } else {
            dw = e.transpose(e.reduceSum(e.op("MatMul", List.of(x3, e.transpose(dy3, 0, 2, 1))), false, 0), 1, 0);
        }
        return e.reshapeTo(dw, ws);
    }

    private static Value weightGrad(GraphBuilder e, Value x, Value dy, long[] xs, long[] ws, long[] ys, long[] s, long[] p,
            long group, long extraH, long extraW) {
        long n = xs[0];
        long c = xs[1];
        long cg = c / group;
        Value xt;
        if (group == 1) {
            xt = e.transpose(x, 1, 0, 2, 3); // [C, N, H, W]
        } else if (cg == 1) {
            xt = e.reshapeTo(e.transpose(x, 1, 0, 2, 3), 1, c * n, xs[2], xs[3]); // [1, C*N, H, W]
        } else {
            Value x5 = e.reshapeTo(x, n, group, cg, xs[2], xs[3]);
            xt = e.reshapeTo(e.transpose(x5, 2, 1, 0, 3, 4), cg, group * n, xs[2], xs[3]); // [Cg, G*N, H, W]
        }
        Value dyt = e.transpose(dy, 1, 0, 2, 3); // [M, N, H', W']: the "kernel"
        Value r = e.op("Conv", List.of(xt, dyt), Attribute.ofInts("kernel_shape", ys[2], ys[3]),
                Attribute.ofInts("strides", 1, 1), Attribute.ofInts("pads", p), Attribute.ofInts("dilations", s),
                Attribute.ofInt("group", group)); // [Cg, M, kH + extraH, kW + extraW]
        if (extraH > 0 || extraW > 0) {
            r = e.op("Slice", List.of(r, e.longs(0, 0), e.longs(ws[2], ws[3]), e.longs(2, 3)));
        }
        return e.transpose(r, 1, 0, 2, 3); // [M, Cg, kH, kW]
    }
}
