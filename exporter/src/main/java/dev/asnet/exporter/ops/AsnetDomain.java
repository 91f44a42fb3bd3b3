package dev.asnet.exporter.ops;

import dev.asnet.exporter.ir.AttributeType;
import dev.asnet.exporter.ir.DataType;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code dev.asnet} operator set: the one Java statement of its names, inputs, outputs,
 * attributes and providers (docs/op-contract.md describes the semantics). Everything that builds,
 * reads or runs graphs with these ops refers to this class: the graph builder and schemas here,
 * the op library's loader and tests in {@code onnx-ops}, the runtime, training and benchmarks.
 *
 * <p>The native op library ({@code onnx-ops/native}, C++) cannot share these strings, so its
 * build prints what it registers with ONNX Runtime (op names, providers, input and output counts
 * and types, and the attributes each kernel reads) and {@code RegisteredOpsTest} in {@code
 * onnx-ops} compares that listing with {@link #ops()} both ways: an op, input, output, attribute or
 * provider added, removed or renamed on one side only fails the build.
 *
 * <p>Every input and output is a float32 tensor except those of the uint8 ops ({@link
 * #ACTIVE_SHIFT_U8}, {@link #ACTIVE_SHIFT_NHWC_U8}, {@link #CHANNEL_AFFINE_U8}, {@link
 * #CHANNEL_AFFINE_NHWC_U8}), whose {@link OpSpec} lists the element types.
 */
public final class AsnetDomain {
    /** The operator domain. */
    public static final String DOMAIN = "dev.asnet";
    /** The version of the {@link #DOMAIN} operator set. */
    public static final int VERSION = 1;

    /**
     * {@code ActiveShift(X, shift) -> Y}: X is {@code [N, C, H, W]}, shift is {@code [C, 2]} holding
     * (x_c along W, y_c along H) per channel, attribute {@link #STRIDES}; Y is {@code [N, C,
     * ceil(H/sh), ceil(W/sw)]} with {@code Y[n,c,i,j]} the bilinear sample of {@code X[n,c]} at row
     * {@code i*sh + y_c}, column {@code j*sw + x_c}, taps outside the image reading 0.
     */
    public static final String ACTIVE_SHIFT = "ActiveShift";
    /**
     * {@code ActiveShiftGrad(dY, X, shift) -> (dX, dShift)} with the same {@link #STRIDES}: the exact
     * gradients of {@link #ACTIVE_SHIFT}, dShift summed over batch and space (right-sided at integer
     * shifts).
     */
    public static final String ACTIVE_SHIFT_GRAD = "ActiveShiftGrad";
    /**
     * {@code ActiveShiftNchwc(X, shift) -> Y}: {@link #ACTIVE_SHIFT} on ONNX Runtime's blocked NCHWc
     * layout. X is {@code [N, Cp, H, W]} stored with block size b = {@link #BLOCK_SIZE}: element
     * {@code (n,c,h,w)} at {@code (((n*(Cp/b) + c/b)*H + h)*W + w)*b + c%b}; shift is {@code [C, 2]}
     * with {@code Cp = roundup(C, b)}; channels {@code c >= C} are padding and produce 0. Y is
     * {@code [N, Cp, ceil(H/sh), ceil(W/sw)]} in the same layout and equals
     * {@code ReorderInput(ActiveShift(ReorderOutput(X)))}. Attributes {@link #STRIDES} and
     * {@link #BLOCK_SIZE} (required). CPU only. ONNX Runtime never produces this op itself: a
     * rewrite of its optimized graph replaces {@code ReorderOutput -> ActiveShift -> ReorderInput}.
     */
    public static final String ACTIVE_SHIFT_NCHWC = "ActiveShiftNchwc";
    /**
     * {@code ActiveShiftU8(X, shift, x_scale, x_zero_point) -> Y}: {@link #ACTIVE_SHIFT} on a uint8
     * tensor of a quantized model. X and Y uint8 {@code [N, C, H, W]} share the per-tensor {@code
     * x_scale} (float scalar, finite, > 0) and {@code x_zero_point} (uint8 scalar); shift is float
     * {@code [C, 2]}; attribute {@link #STRIDES}. A bilinear sample is a convex combination of its
     * taps, so the input's range holds it; taps outside the image read the zero point. Rule
     * (integer fixed point, exact, docs/op-contract.md): ActiveShift's fractions rounded half up to
     * {@code X, Y} in [0, 2^14]; weights {@code w00 = ((2^14-X)(2^14-Y) + 2^13) >> 14}, {@code w01
     * = (2^14-Y) - w00}, {@code w10 = ((2^14-X) Y + 2^13) >> 14}, {@code w11 = Y - w10} (summing to
     * 2^14); {@code Y = (w00 q00 + w01 q01 + w10 q10 + w11 q11 + 2^13) >> 14}, within 0.532 steps
     * of the exact bilinear value. CPU only.
     */
    public static final String ACTIVE_SHIFT_U8 = "ActiveShiftU8";
    /**
     * {@code ActiveShiftNhwcU8(X, shift, x_scale, x_zero_point) -> Y}: {@link #ACTIVE_SHIFT_U8} on
     * channels-last tensors, X {@code [N, H, W, C]}, Y {@code [N, ceil(H/sh), ceil(W/sw), C]}, the
     * layout of ONNX Runtime's quantized convs at level ALL. CPU only. ONNX Runtime never produces
     * this op itself: a rewrite of its optimized graph replaces {@code Transpose -> ActiveShiftU8 ->
     * Transpose}.
     */
    public static final String ACTIVE_SHIFT_NHWC_U8 = "ActiveShiftNhwcU8";
    /**
     * {@code ChannelAffineU8(X, multiplier, offset, shift) -> Y}: a per-channel affine map with
     * clamping on a uint8 tensor of a quantized model, X and Y uint8 {@code [N, C, ...]}, multiplier,
     * offset and shift int32 {@code [C]}, attribute {@link #Y_MIN}. Rule (integers only, exact,
     * docs/op-contract.md): {@code y = min(255, max(y_min, (multiplier[c] * x + offset[c]) >>
     * shift[c]))} with an arithmetic shift, in int32; each shift in [0, 30], {@code multiplier[c] *
     * 255} and {@code multiplier[c] * 255 + offset[c]} must fit int32. The quantizer writes a BatchNormalization
     * that cannot fold into a conv (and the ReLU after it) as this op. CPU only.
     */
    public static final String CHANNEL_AFFINE_U8 = "ChannelAffineU8";
    /**
     * {@code ChannelAffineNhwcU8(X, multiplier, offset) -> Y}: {@link #CHANNEL_AFFINE_U8} on
     * channels-last tensors, X and Y {@code [..., C]}, the layout of ONNX Runtime's quantized convs
     * at level ALL. CPU only. ONNX Runtime never produces this op itself: a rewrite of its optimized
     * graph replaces {@code Transpose -> ChannelAffineU8 -> Transpose}.
     */
    public static final String CHANNEL_AFFINE_NHWC_U8 = "ChannelAffineNhwcU8";
    /**
     * Training graphs' fused op {@code BatchNormTraining(X, scale, B) -> (Y, mean, var)}: X is
     * {@code [N, C, ...]}, scale and B {@code [C]}; mean and var (biased) are the statistics of each
     * channel over every other axis, {@code Y = scale * (X - mean) / sqrt(var + epsilon) + B},
     * attributes {@link #EPSILON} and {@link #RELU} ({@code Y = max(Y, 0)}: a BatchNormalization
     * whose only user is a Relu). CPU only.
     */
    public static final String BATCH_NORM_TRAINING = "BatchNormTraining";
    /**
     * {@code BatchNormTrainingGrad(dY, X, scale, mean, var[, dX_add]) -> (dX, dscale, dB)}: the exact
     * gradient of {@link #BATCH_NORM_TRAINING} (mean and var depending on X), given its batch
     * statistics, attribute {@link #EPSILON}; with the optional dX_add (X's shape) dX is that
     * gradient plus dX_add (the gradient X got from its other users, summed as an Add would). CPU only.
     */
    public static final String BATCH_NORM_TRAINING_GRAD = "BatchNormTrainingGrad";
    /**
     * {@code BatchNormReluTrainingGrad(dY, X, scale, B, mean, var[, dX_add]) -> (dX, dscale, dB)}: the exact
     * gradient of {@link #BATCH_NORM_TRAINING} with {@link #RELU} = 1; dY counts where the forward's
     * value before the ReLU, recomputed from X, scale, B, mean and var exactly as the forward did,
     * is > 0; dX_add as in {@link #BATCH_NORM_TRAINING_GRAD}. Attribute {@link #EPSILON}. CPU only.
     */
    public static final String BATCH_NORM_RELU_TRAINING_GRAD = "BatchNormReluTrainingGrad";
    /**
     * Training graphs' fused op {@code BatchNormReluShiftTraining(X, scale, B, shift) -> (Y, mean,
     * var)}: {@link #ACTIVE_SHIFT} (attribute {@link #STRIDES}) of {@link #BATCH_NORM_TRAINING} with
     * {@link #RELU} = 1 (attribute {@link #EPSILON}), X {@code [N, C, H, W]}; the rectified
     * activation between them is never stored (an ASL block's BN, ReLU and shift, which run on the
     * largest activations of a step). CPU only.
     */
    public static final String BATCH_NORM_RELU_SHIFT_TRAINING = "BatchNormReluShiftTraining";
    /**
     * {@code BatchNormReluShiftTrainingGrad(dY, X, scale, B, mean, var, shift) -> (dX, dscale, dB,
     * dShift)}: the exact gradient of {@link #BATCH_NORM_RELU_SHIFT_TRAINING} given its batch
     * statistics (the rectified activation recomputed from X exactly as the forward did; dShift summed
     * over batch and space as {@link #ACTIVE_SHIFT_GRAD}), attributes {@link #EPSILON} and
     * {@link #STRIDES}. CPU only.
     */
    public static final String BATCH_NORM_RELU_SHIFT_TRAINING_GRAD = "BatchNormReluShiftTrainingGrad";
    /**
     * Training graphs' optimizer step {@code SgdMomentumUpdate(P, G, V, lr) -> (P', V')} for one
     * parameter tensor (G and V of P's shape, lr one value): {@code g = G + P * weight_decay},
     * {@code V' = V * momentum + g}, {@code step = nesterov ? g + V' * momentum : V'},
     * {@code P' = P - step * lr}, each product and sum rounded to float as the equivalent standard
     * ops round them. Attributes {@link #MOMENTUM}, {@link #WEIGHT_DECAY}, {@link #NESTEROV}. CPU only.
     */
    public static final String SGD_MOMENTUM_UPDATE = "SgdMomentumUpdate";
    /** {@code ReluGrad(dY, Y) -> dX}: {@code dX = Y > 0 ? dY : 0} (Y the ReLU's output or input). CPU only. */
    public static final String RELU_GRAD = "ReluGrad";
    /**
     * {@code DepthwiseConvGrad(dY, X, W) -> (dX, dW)}: the exact gradients of a depthwise
     * {@code Conv} (group = C, X {@code [N, C, H, W]}, W {@code [C, 1, kH, kW]}, dilation 1) with
     * attributes {@link #STRIDES} and {@link #PADS}; dY has the Conv's output shape. dW is summed
     * over batch and space. Training graphs use it where ONNX Runtime's grouped ConvTranspose and
     * grouped weight-gradient convolution are slow. CPU only.
     */
    public static final String DEPTHWISE_CONV_GRAD = "DepthwiseConvGrad";

    /** The strides attribute of the ActiveShift ops: two ints (along H, along W), each >= 1, default [1, 1]. */
    public static final String STRIDES = "strides";
    /**
     * The pads attribute of {@link #DEPTHWISE_CONV_GRAD}: four ints >= 0 (top, left, bottom, right)
     * as in {@code Conv}, default zeros.
     */
    public static final String PADS = "pads";
    /** The relu attribute of {@link #BATCH_NORM_TRAINING}: 0 or 1, default 0. */
    public static final String RELU = "relu";
    /** The momentum attribute of {@link #SGD_MOMENTUM_UPDATE}: a finite float, default 0.9. */
    public static final String MOMENTUM = "momentum";
    /** The weight_decay attribute of {@link #SGD_MOMENTUM_UPDATE}: a finite float >= 0, default 0. */
    public static final String WEIGHT_DECAY = "weight_decay";
    /** The nesterov attribute of {@link #SGD_MOMENTUM_UPDATE}: 0 or 1, default 0. */
    public static final String NESTEROV = "nesterov";
    /** The y_min attribute of {@link #CHANNEL_AFFINE_U8}: the lower clamp, an int in [0, 255], default 0. */
    public static final String Y_MIN = "y_min";
    /** The epsilon attribute of the batch-normalization ops: a finite float > 0, default 1e-5. */
    public static final String EPSILON = "epsilon";
    /**
     * The block_size attribute of {@link #ACTIVE_SHIFT_NCHWC}: the NCHWc block size, an int > 0 that
     * divides X's channels; required (16 where ONNX Runtime uses AVX-512, 8 with AVX2).
     */
    public static final String BLOCK_SIZE = "block_size";

    /** An execution provider the op library registers an op for. */
    public enum Provider {
        /** ONNX Runtime's CPU provider: every op. */
        CPU("CPUExecutionProvider"),
        /** The CUDA provider, when the library is built with nvcc. */
        CUDA("CUDAExecutionProvider");

        private final String ortName;

        Provider(String ortName) {
            this.ortName = ortName;
        }

        /** @return the provider's name in ONNX Runtime */
        public String ortName() {
            return ortName;
        }
    }

    /**
     * One attribute of an op.
     *
     * @param name the attribute name
     * @param type its ONNX type
     * @param rule its valid values and default, for documentation
     * @param required true when a node must set it (the op has no default for it)
     */
    public record AttributeSpec(String name, AttributeType type, String rule, boolean required) {
        /**
         * An optional attribute (it has a default).
         *
         * @param name the attribute name
         * @param type its ONNX type
         * @param rule its valid values and default, for documentation
         */
        public AttributeSpec(String name, AttributeType type, String rule) {
            this(name, type, rule, false);
        }
    }

    /**
     * One op of the domain.
     *
     * @param name the op type
     * @param inputs the input names, in order
     * @param outputs the output names, in order
     * @param attributes the attributes it reads
     * @param providers the execution providers it has kernels for
     * @param inputTypes the element type of each input
     * @param outputTypes the element type of each output
     * @param requiredInputs how many of the inputs, from the first, a node must have (the rest are
     *     optional and may be left out from the end)
     */
    public record OpSpec(String name, List<String> inputs, List<String> outputs, List<AttributeSpec> attributes,
            Set<Provider> providers, List<DataType> inputTypes, List<DataType> outputTypes, int requiredInputs) {
        /** Copies the lists so that a spec cannot change, and checks one type per input and output. */
        public OpSpec {
            inputs = List.copyOf(inputs);
            outputs = List.copyOf(outputs);
            attributes = List.copyOf(attributes);
            providers = Set.copyOf(providers);
            inputTypes = List.copyOf(inputTypes);
            outputTypes = List.copyOf(outputTypes);
            if (inputTypes.size() != inputs.size() || outputTypes.size() != outputs.size()) {
                throw new IllegalArgumentException(name + ": one element type per input and output");
            }
            if (requiredInputs < 0 || requiredInputs > inputs.size()) {
                throw new IllegalArgumentException(name + ": required inputs must be 0.." + inputs.size());
            }
        }

        /**
         * An op whose inputs are all required.
         *
         * @param name the op type
         * @param inputs the input names, in order
         * @param outputs the output names, in order
         * @param attributes the attributes it reads
         * @param providers the execution providers it has kernels for
         * @param inputTypes the element type of each input
         * @param outputTypes the element type of each output
         */
        public OpSpec(String name, List<String> inputs, List<String> outputs, List<AttributeSpec> attributes,
                Set<Provider> providers, List<DataType> inputTypes, List<DataType> outputTypes) {
            this(name, inputs, outputs, attributes, providers, inputTypes, outputTypes, inputs.size());
        }

        /**
         * This op with float inputs added at the end that a node may leave out.
         *
         * @param names the optional inputs' names
         * @return the extended spec
         */
        public OpSpec withOptionalInputs(String... names) {
            List<String> in = new java.util.ArrayList<>(inputs);
            List<DataType> types = new java.util.ArrayList<>(inputTypes);
            for (String n : names) {
                in.add(n);
                types.add(DataType.FLOAT);
            }
            return new OpSpec(name, in, outputs, attributes, providers, types, outputTypes, requiredInputs);
        }

        /**
         * An op whose inputs and outputs are all float32.
         *
         * @param name the op type
         * @param inputs the input names, in order
         * @param outputs the output names, in order
         * @param attributes the attributes it reads
         * @param providers the execution providers it has kernels for
         */
        public OpSpec(String name, List<String> inputs, List<String> outputs, List<AttributeSpec> attributes,
                Set<Provider> providers) {
            this(name, inputs, outputs, attributes, providers, Collections.nCopies(inputs.size(), DataType.FLOAT),
                    Collections.nCopies(outputs.size(), DataType.FLOAT));
        }
    }

    private static final AttributeSpec STRIDES_SPEC =
            new AttributeSpec(STRIDES, AttributeType.INTS, "two ints (along H, along W), each >= 1; default [1, 1]");
    private static final AttributeSpec BLOCK_SIZE_SPEC = new AttributeSpec(BLOCK_SIZE, AttributeType.INT,
            "an int > 0 dividing X's channels Cp, with Cp = roundup(C, block_size); required", true);
    private static final AttributeSpec PADS_SPEC = new AttributeSpec(PADS, AttributeType.INTS,
            "four ints >= 0 (top, left, bottom, right); default [0, 0, 0, 0]");
    private static final AttributeSpec EPSILON_SPEC =
            new AttributeSpec(EPSILON, AttributeType.FLOAT, "a finite float > 0; default 1e-5");
    private static final AttributeSpec RELU_SPEC =
            new AttributeSpec(RELU, AttributeType.INT, "0 or 1 (apply a ReLU to Y); default 0");

    private static final AttributeSpec MOMENTUM_SPEC =
            new AttributeSpec(MOMENTUM, AttributeType.FLOAT, "a finite number; default 0.9");
    private static final AttributeSpec WEIGHT_DECAY_SPEC =
            new AttributeSpec(WEIGHT_DECAY, AttributeType.FLOAT, "a finite number >= 0; default 0");
    private static final AttributeSpec NESTEROV_SPEC =
            new AttributeSpec(NESTEROV, AttributeType.INT, "0 or 1 (Nesterov momentum); default 0");

    private static final AttributeSpec Y_MIN_SPEC =
            new AttributeSpec(Y_MIN, AttributeType.INT, "an int in [0, 255] (the lower clamp); default 0");
    private static final List<String> AFFINE_INPUTS = List.of("X", "multiplier", "offset", "shift");
    private static final List<DataType> AFFINE_INPUT_TYPES =
            List.of(DataType.UINT8, DataType.INT32, DataType.INT32, DataType.INT32);

    private static final List<String> U8_INPUTS = List.of("X", "shift", "x_scale", "x_zero_point");
    private static final List<DataType> U8_INPUT_TYPES =
            List.of(DataType.UINT8, DataType.FLOAT, DataType.FLOAT, DataType.UINT8);

    private static final List<OpSpec> OPS = List.of(
            new OpSpec(ACTIVE_SHIFT, List.of("X", "shift"), List.of("Y"), List.of(STRIDES_SPEC),
                    EnumSet.of(Provider.CPU, Provider.CUDA)),
            new OpSpec(ACTIVE_SHIFT_GRAD, List.of("dY", "X", "shift"), List.of("dX", "dShift"), List.of(STRIDES_SPEC),
                    EnumSet.of(Provider.CPU, Provider.CUDA)),
            new OpSpec(ACTIVE_SHIFT_NCHWC, List.of("X", "shift"), List.of("Y"), List.of(STRIDES_SPEC, BLOCK_SIZE_SPEC),
                    EnumSet.of(Provider.CPU)),
            new OpSpec(ACTIVE_SHIFT_U8, U8_INPUTS, List.of("Y"), List.of(STRIDES_SPEC), EnumSet.of(Provider.CPU),
                    U8_INPUT_TYPES, List.of(DataType.UINT8)),
            new OpSpec(ACTIVE_SHIFT_NHWC_U8, U8_INPUTS, List.of("Y"), List.of(STRIDES_SPEC), EnumSet.of(Provider.CPU),
                    U8_INPUT_TYPES, List.of(DataType.UINT8)),
            new OpSpec(CHANNEL_AFFINE_U8, AFFINE_INPUTS, List.of("Y"), List.of(Y_MIN_SPEC),
                    EnumSet.of(Provider.CPU), AFFINE_INPUT_TYPES, List.of(DataType.UINT8)),
            new OpSpec(CHANNEL_AFFINE_NHWC_U8, AFFINE_INPUTS, List.of("Y"), List.of(Y_MIN_SPEC),
                    EnumSet.of(Provider.CPU), AFFINE_INPUT_TYPES, List.of(DataType.UINT8)),
            new OpSpec(BATCH_NORM_TRAINING, List.of("X", "scale", "B"), List.of("Y", "mean", "var"),
                    List.of(EPSILON_SPEC, RELU_SPEC), EnumSet.of(Provider.CPU)),
            new OpSpec(BATCH_NORM_TRAINING_GRAD, List.of("dY", "X", "scale", "mean", "var"), List.of("dX", "dscale", "dB"),
                    List.of(EPSILON_SPEC), EnumSet.of(Provider.CPU)).withOptionalInputs("dX_add"),
            new OpSpec(BATCH_NORM_RELU_TRAINING_GRAD, List.of("dY", "X", "scale", "B", "mean", "var"),
                    List.of("dX", "dscale", "dB"), List.of(EPSILON_SPEC), EnumSet.of(Provider.CPU)).withOptionalInputs("dX_add"),
            new OpSpec(BATCH_NORM_RELU_SHIFT_TRAINING, List.of("X", "scale", "B", "shift"), List.of("Y", "mean", "var"),
                    List.of(EPSILON_SPEC, STRIDES_SPEC), EnumSet.of(Provider.CPU)),
            new OpSpec(BATCH_NORM_RELU_SHIFT_TRAINING_GRAD, List.of("dY", "X", "scale", "B", "mean", "var", "shift"),
                    List.of("dX", "dscale", "dB", "dShift"), List.of(EPSILON_SPEC, STRIDES_SPEC), EnumSet.of(Provider.CPU)),
            new OpSpec(SGD_MOMENTUM_UPDATE, List.of("P", "G", "V", "lr"), List.of("P_out", "V_out"),
                    List.of(MOMENTUM_SPEC, WEIGHT_DECAY_SPEC, NESTEROV_SPEC), EnumSet.of(Provider.CPU)),
            new OpSpec(RELU_GRAD, List.of("dY", "Y"), List.of("dX"), List.of(), EnumSet.of(Provider.CPU)),
            new OpSpec(DEPTHWISE_CONV_GRAD, List.of("dY", "X", "W"), List.of("dX", "dW"), List.of(STRIDES_SPEC, PADS_SPEC),
                    EnumSet.of(Provider.CPU)));

    private AsnetDomain() {}

    /** @return every op of the domain, in a fixed order */
    public static List<OpSpec> ops() {
        return OPS;
    }

    /**
     * One op of the domain.
     *
     * @param name the op type
     * @return its spec
     * @throws IllegalArgumentException when the domain has no such op
     */
    public static OpSpec op(String name) {
        for (OpSpec op : OPS) {
            if (op.name().equals(name)) {
                return op;
            }
        }
        throw new IllegalArgumentException("the " + DOMAIN + " domain has no op '" + name + "'");
    }

    /**
     * Output extent of ActiveShift along one axis.
     *
     * @param in the input extent (>= 0)
     * @param stride the stride along that axis (>= 1)
     * @return {@code ceil(in / stride)}
     */
    public static long outputExtent(long in, long stride) {
        if (in < 0 || stride < 1) {
            throw new IllegalArgumentException("extent must be >= 0 and stride >= 1, got " + in + " and " + stride);
        }
        // Not (in + stride - 1) / stride: that overflows for strides near Long.MAX_VALUE.
        return in == 0 ? 0 : (in - 1) / stride + 1;
    }
}
