package dev.asnet.models;

import dev.asnet.exporter.AsnetVersion;
import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.count.Cost;
import dev.asnet.exporter.count.CostCounter;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.ConvOptions;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.exporter.ops.OpRegistry;
import java.util.SplittableRandom;

/**
 * Network layers with their parameters, on top of {@link GraphBuilder}: each method creates the
 * weights (named {@code <layer>.weight}, {@code <layer>.bias}, ...), draws their initial values
 * from one seeded generator in creation order, and adds the nodes. Initialization follows the
 * reference: He/MSRA normal for convs ({@code std = sqrt(2 / fan_in)}), Xavier (Glorot) uniform
 * for fully connected layers with zero bias, BN scale 1, shift 0, running mean 0, variance 1, and
 * ASL shifts uniform in [-1, 1].
 */
public final class LayerBuilder {
    /** BatchNormalization epsilon used throughout the zoo. */
    public static final float BN_EPSILON = 1e-5f;

    private final GraphBuilder b;
    private final SplittableRandom random;
    private final ModelConfig config;
    private final String architecture;
    private final Value input;

    /**
     * Starts a network: creates the graph and its input {@code "input"} of shape
     * {@code [N, C, H, W]}.
     *
     * @param architecture the registry name, used as graph name and in metadata
     * @param config the configuration
     */
    public LayerBuilder(String architecture, ModelConfig config) {
        this.architecture = architecture;
        this.config = config;
        this.random = new SplittableRandom(config.seed());
        this.b = new GraphBuilder(new Graph(architecture, OpRegistry.standard()));
        this.input = b.input("input", DataType.FLOAT,
                Shape.batched(config.batchSymbol(), config.channels(), config.height(), config.width()));
    }

    /**
     * The graph input.
     *
     * @return {@code input}
     */
    public Value input() {
        return input;
    }

    /**
     * The underlying op builder, for ops without parameters.
     *
     * @return the builder
     */
    public GraphBuilder ops() {
        return b;
    }

    /**
     * Channels of a [N, C, H, W] value.
     *
     * @param x the value
     * @return C
     */
    public static int channels(Value x) {
        return (int) x.shape().dim(1).value();
    }

    /**
     * A bias-free conv with He-initialized weights.
     *
     * @param name layer name
     * @param x input
     * @param out output channels
     * @param kernel square kernel size
     * @param stride stride
     * @param pad padding on every side
     * @param groups groups (input channels for depthwise)
     * @return the conv output
     */
    public Value conv(String name, Value x, int out, int kernel, int stride, int pad, int groups) {
        int in = channels(x);
        int fanIn = in / groups * kernel * kernel;
        float[] w = new float[weightCount(name, out, fanIn)];
        double std = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextGaussian() * std);
        }
        Value weight = b.parameter(name + ".weight", Tensor.ofFloats(w, out, in / groups, kernel, kernel));
        return b.conv(name, x, weight, null,
                ConvOptions.builder().optStride(stride).optPad(pad).optGroups(groups).build());
    }

    /**
     * A 1x1 conv.
     *
     * @param name layer name
     * @param x input
     * @param out output channels
     * @param stride stride
     * @return the conv output
     */
    public Value pointwise(String name, Value x, int out, int stride) {
        return conv(name, x, out, 1, stride, 0, 1);
    }

    /**
     * BatchNormalization with fresh statistics.
     *
     * @param name layer name
     * @param x input
     * @return the normalized input
     */
    public Value batchNorm(String name, Value x) {
        int c = channels(x);
        float[] ones = new float[c];
        java.util.Arrays.fill(ones, 1f);
        return b.batchNorm(name, x, b.parameter(name + ".weight", Tensor.ofFloats(ones, c)),
                b.parameter(name + ".bias", Tensor.ofFloats(new float[c], c)),
                b.buffer(name + ".running_mean", Tensor.ofFloats(new float[c], c)),
                b.buffer(name + ".running_var", Tensor.ofFloats(ones, c)), BN_EPSILON);
    }

    /**
     * BN then ReLU (the pre-activation of a residual block).
     *
     * @param name layer name (the ReLU is {@code <name>.relu})
     * @param x input
     * @return the activation
     */
    public Value bnRelu(String name, Value x) {
        return b.relu(name + ".relu", batchNorm(name, x));
    }

    /**
     * An Active Shift Layer with shifts uniform in [-1, 1].
     *
     * @param name layer name
     * @param x input
     * @param stride stride on both axes
     * @return the shifted input
     */
    public Value activeShift(String name, Value x, int stride) {
        int c = channels(x);
        float[] s = new float[2 * c];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return b.activeShift(name, x, b.parameter(name + ".shift", Tensor.ofFloats(s, c, 2)), stride, stride);
    }

    /**
     * A ShiftNet shift: channels in {@code k*k} equal contiguous groups, each moved by one integer
     * offset of the {@code k x k} neighbourhood; no parameters (the shifts are constants). Written
     * as an ActiveShift with integer shifts, so every ASL lowering applies.
     *
     * @param name layer name
     * @param x input
     * @param kernel k (odd)
     * @param stride stride on both axes
     * @return the shifted input
     */
    public Value fixedShift(String name, Value x, int kernel, int stride) {
        int c = channels(x);
        int groups = kernel * kernel;
        float[] s = new float[2 * c];
        for (int ch = 0; ch < c; ch++) {
            int g = (int) ((long) ch * groups / c);
            s[2 * ch] = g % kernel - kernel / 2;
            s[2 * ch + 1] = g / kernel - kernel / 2;
        }
        return b.activeShift(name, x, b.constant(name + ".shift", Tensor.ofFloats(s, c, 2)), stride, stride);
    }

    /**
     * A fully connected layer with Xavier-uniform weights and zero bias.
     *
     * @param name layer name
     * @param x input [N, in]
     * @param out output features
     * @return [N, out]
     */
    public Value linear(String name, Value x, int out) {
        int in = (int) x.shape().dim(1).value();
        double limit = Math.sqrt(6.0 / (in + out));
        float[] w = new float[weightCount(name, out, in)];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((random.nextDouble() * 2 - 1) * limit);
        }
        return b.linear(name, x, b.parameter(name + ".weight", Tensor.ofFloats(w, out, in)),
                b.parameter(name + ".bias", Tensor.ofFloats(new float[out], out)));
    }

    /**
     * The usual classifier head: global average pool, flatten, fully connected {@code fc}.
     *
     * @param x features [N, C, H, W]
     * @return logits [N, classes]
     */
    public Value classifier(Value x) {
        Value pooled = b.flatten("flatten", b.globalAveragePool("gap", x), 1);
        return linear("fc", pooled, config.numClasses());
    }

    /**
     * Marks the logits as the output {@code "logits"} and wraps the graph in a model with the
     * zoo metadata: architecture, input and output names, input shape, channel mean/std, class
     * count and labels, parameter and MAC counts, the ASL form ({@code custom}: as built) and the
     * asnet version.
     *
     * @param logits the network output
     * @return the model
     */
    public Model finish(Value logits) {
        b.output(logits, "logits");
        Model m = new Model(b.graph());
        Cost cost = CostCounter.count(b.graph());
        ModelInfo info = ModelInfo.builder().architecture(architecture).inputOutputNames(input.name(), "logits")
                .input(config.input()).classes(config.numClasses(), config.classLabels())
                .cost(cost.params(), cost.macs()).asl(AslLowering.CUSTOM, null).asnetVersion(AsnetVersion.VERSION)
                .build();
        return m.setMetadata(info.toMetadata());
    }

    /**
     * The number of weights of a layer, refused when it does not fit a Java array (a huge class
     * count or width would otherwise wrap around to a negative size).
     */
    private static int weightCount(String layer, long rows, long cols) {
        long n = rows * cols;  // both are ints, so the product cannot overflow a long
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("layer '" + layer + "' would have " + n + " weights (" + rows + " x "
                    + cols + "), more than one tensor can hold (2^31 - 9); use fewer classes or channels");
        }
        return (int) n;
    }
}
