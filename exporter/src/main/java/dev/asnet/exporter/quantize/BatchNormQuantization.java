package dev.asnet.exporter.quantize;

/**
 * How a quantized model computes a BatchNormalization that cannot fold into the convolution before
 * it (AS-ResNet's pre-activation BN after a residual Add), with the ReLU that follows it.
 */
public enum BatchNormQuantization {
    /**
     * One {@code dev.asnet::ChannelAffineU8} node on the uint8 tensor ({@link ChannelAffineU8}): one
     * pass over the bytes with integer arithmetic; at level ALL the runtime's load-time rewrite makes
     * it channels-last next to ONNX Runtime's quantized convs. Needs the asnet op library, as the
     * uint8 Active Shift does; the default unless Active Shift is quantized in the portable form.
     */
    UINT8("uint8"),
    /**
     * A depthwise 1x1 convolution ({@link BatchNormAsDepthwiseConv}), quantized like any other
     * convolution: standard ONNX ops only, but ONNX Runtime runs it through its generic integer
     * convolution (several times the cost of one pass).
     */
    CONV("conv");

    private final String id;

    BatchNormQuantization(String id) {
        this.id = id;
    }

    /**
     * The form named by {@link #id()}.
     *
     * @param id {@code uint8} or {@code conv}
     * @return the form
     * @throws IllegalArgumentException naming the choices for any other text
     */
    public static BatchNormQuantization parse(String id) {
        for (BatchNormQuantization b : values()) {
            if (b.id.equals(id)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown BatchNormalization form '" + id + "' (use uint8 or conv)");
    }

    /**
     * The name written into {@link dev.asnet.exporter.ModelInfo#QUANTIZATION_BATCH_NORM}.
     *
     * @return {@code uint8} or {@code conv}
     */
    public String id() {
        return id;
    }
}
