package dev.asnet.exporter.quantize;

import dev.asnet.exporter.export.GraphPass;
import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.InitializerRole;
import dev.asnet.exporter.ir.IrException;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites every BatchNormalization left in a graph (the ones {@link
 * dev.asnet.exporter.export.FoldBatchNorm} cannot fold, such as AS-ResNet's pre-activation BN that
 * follows a residual Add) as a depthwise 1x1 Conv: {@code group = C}, weight
 * {@code s = scale / sqrt(var + eps)} ({@code [C, 1, 1, 1]}) and bias {@code B - mean * s}.
 *
 * <p>Why: ONNX Runtime's QDQ fusions know no quantized BatchNormalization, so a BN between
 * quantized ops stays in float with a DequantizeLinear/QuantizeLinear around it, and at level ALL
 * also layout Transposes (the quantized convs run channels-last); a Conv is fused into
 * QLinearConv like any other. The rewrite also quantizes without loss: each channel of the
 * depthwise weight holds one value, which per-channel symmetric int8 represents exactly
 * ({@code 127 * s / 127}). (The alternative, moving a positive BN scale through the ReLU into the
 * next conv, still leaves a per-channel shift {@code B/s - mean} after the Add, which is a float Add
 * of a constant; it is exact only where every scale is positive.)
 *
 * <p>The conv takes the BN's node name and output name, so the graph's interface and the names
 * that calibration reports stay. BatchNormalization whose input is not 4-D, or whose parameters
 * are not initializers, is refused naming the node.
 */
public final class BatchNormAsDepthwiseConv implements GraphPass {
    private int rewritten;
    private final List<String> convNames = new ArrayList<>();

    /** Creates the pass. */
    public BatchNormAsDepthwiseConv() {}

    /**
     * How many BatchNormalization nodes the last run rewrote.
     *
     * @return the count
     */
    public int rewritten() {
        return rewritten;
    }

    /**
     * The node names of the convs the last run made (the BatchNormalizations' names; null for an
     * unnamed node).
     *
     * @return the names, in graph order
     */
    public List<String> convNames() {
        return List.copyOf(convNames.stream().filter(java.util.Objects::nonNull).toList());
    }

    @Override
    public void apply(Graph g) {
        rewritten = 0;
        convNames.clear();
        List<Node> bns = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (n.domain().isEmpty() && n.opType().equals("BatchNormalization")) {
                bns.add(n);
            }
        }
        for (Node bn : bns) {
            convNames.add(bn.name());
            rewrite(g, bn);
            rewritten++;
        }
    }

    /**
     * The depthwise weight and bias that compute a BatchNormalization in inference form.
     *
     * @param gamma scale
     * @param beta shift
     * @param mean running mean
     * @param var running variance
     * @param eps epsilon
     * @return {weight, bias}, one value per channel each
     */
    public static float[][] affine(float[] gamma, float[] beta, float[] mean, float[] var, float eps) {
        int c = gamma.length;
        float[] w = new float[c];
        float[] b = new float[c];
        for (int i = 0; i < c; i++) {
            double s = gamma[i] / Math.sqrt((double) var[i] + eps);
            w[i] = (float) s;
            b[i] = (float) (beta[i] - mean[i] * s);
        }
        return new float[][] {w, b};
    }

    private static void rewrite(Graph g, Node bn) {
        Value x = bn.input(0);
        if (x.shape().rank() != 4 || !x.shape().dim(1).isKnown()) {
            throw new IrException(bn.describe() + ": only BatchNormalization of a 4-D input with a known channel count"
                    + " can be quantized (as a depthwise 1x1 convolution), but the input is " + x.type());
        }
        for (int i = 1; i < 5; i++) {
            if (!bn.input(i).isInitializer()) {
                throw new IrException(bn.describe() + ": input " + i + " (" + bn.schema().inputName(i)
                        + ") is computed in the graph; only BatchNormalization with constant parameters can be quantized");
            }
        }
        int c = (int) x.shape().dim(1).value();
        float eps = bn.attribute("epsilon").map(Attribute::asFloat).orElse(1e-5f);
        float[][] wb = affine(bn.input(1).data().floats(), bn.input(2).data().floats(), bn.input(3).data().floats(),
                bn.input(4).data().floats(), eps);
        String base = bn.name() != null ? bn.name() : null;
        Value w = g.addInitializer(freeName(g, base, ".dw_weight"), Tensor.ofFloats(wb[0], c, 1, 1, 1),
                InitializerRole.PARAMETER);
        Value b = g.addInitializer(freeName(g, base, ".dw_bias"), Tensor.ofFloats(wb[1], c), InitializerRole.PARAMETER);
        Node conv = g.insertNodeBefore(bn, "", "Conv", null, List.of(x, w, b), List.of(
                Attribute.ofInts("kernel_shape", 1, 1), Attribute.ofInts("strides", 1, 1),
                Attribute.ofInts("pads", 0, 0, 0, 0), Attribute.ofInts("dilations", 1, 1), Attribute.ofInt("group", c)));
        String outName = bn.output().name();
        String nodeName = bn.name();
        bn.output().replaceAllUsesWith(conv.output());
        g.removeNode(bn);
        if (outName != null) {
            conv.output().rename(outName);
        }
        if (nodeName != null) {
            conv.rename(nodeName);
        }
    }

    /** {@code base + suffix} if no value has that name, else null (a generated name). */
    static String freeName(Graph g, String base, String suffix) {
        if (base == null) {
            return null;
        }
        String n = base + suffix;
        return g.names().hasValueName(n) ? null : n;
    }
}
