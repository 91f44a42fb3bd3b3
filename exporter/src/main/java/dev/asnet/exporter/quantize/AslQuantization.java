package dev.asnet.exporter.quantize;

/**
 * How a quantized model runs its Active Shift layers ({@code dev.asnet::ActiveShift}). In both
 * forms the output uses the input's scale and zero point: a bilinear sample is a convex
 * combination of its taps, so it stays within the input's range, and a tap outside the image reads
 * the zero point, which stands for real 0 exactly.
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
    UINT8("uint8");

    private final String id;

    AslQuantization(String id) {
        this.id = id;
    }

    /**
     * The form named by {@link #id()}.
     *
     * @param id {@code float} or {@code uint8}
     * @return the form
     * @throws IllegalArgumentException naming the choices for any other text
     */
    public static AslQuantization parse(String id) {
        for (AslQuantization a : values()) {
            if (a.id.equals(id)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown Active Shift form '" + id + "' (use uint8 or float)");
    }

    /**
     * The name written into {@link dev.asnet.exporter.ModelInfo#QUANTIZATION_ASL}.
     *
     * @return {@code float} or {@code uint8}
     */
    public String id() {
        return id;
    }
}
