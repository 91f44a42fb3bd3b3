package dev.asnet.exporter.quantize;

/**
 * How a quantized model runs its Active Shift layers ({@code dev.asnet::ActiveShift}). In the
 * {@link #FLOAT} and {@link #UINT8} forms the output uses the input's scale and zero point: a
 * bilinear sample is a convex combination of its taps, so it stays within the input's range, and a
 * tap outside the image reads the zero point, which stands for real 0 exactly. The
 * {@link #DEPTHWISE} form uses standard ONNX ops only.
 */
public enum AslQuantization {
    /**
     * {@code DequantizeLinear -> ActiveShift -> QuantizeLinear}: the float kernel between the
     * quantized convs (two extra passes per layer, and at level ALL ONNX Runtime's Transposes).
     */
    FLOAT("float"),
    /**
     * One {@code dev.asnet::ActiveShiftU8(X_u8, shift, x_scale, x_zero_point)} node on the uint8
     * tensor, output with the same scale and zero point ({@link ActiveShiftU8}); the default. At level
     * ALL the runtime's load-time rewrite makes it channels-last ({@code ActiveShiftNhwcU8}), next to
     * ONNX Runtime's channels-last quantized convs, without Transposes.
     */
    UINT8("uint8"),
    /**
     * The portable form: each layer is first written as the depthwise convolution with its bilinear
     * taps (the export's depthwise lowering, exact to float rounding), which is then quantized like
     * any other convolution (per-channel int8 weights, its own uint8 output range), so the model
     * holds standard ONNX ops only and runs on any ONNX Runtime without the asnet op library. The
     * kernel is (2r+1)x(2r+1) for shifts up to r pixels, so large shifts make it slow.
     */
    DEPTHWISE("depthwise");

    private final String id;

    AslQuantization(String id) {
        this.id = id;
    }

    /**
     * The form named by {@link #id()}.
     *
     * @param id {@code float}, {@code uint8} or {@code depthwise}
     * @return the form
     * @throws IllegalArgumentException naming the choices for any other text
     */
    public static AslQuantization parse(String id) {
        for (AslQuantization a : values()) {
            if (a.id.equals(id)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown Active Shift form '" + id + "' (use uint8, float or depthwise)");
    }

    /**
     * The name written into {@link dev.asnet.exporter.ModelInfo#QUANTIZATION_ASL}.
     *
     * @return {@code float}, {@code uint8} or {@code depthwise}
     */
    public String id() {
        return id;
    }
}
