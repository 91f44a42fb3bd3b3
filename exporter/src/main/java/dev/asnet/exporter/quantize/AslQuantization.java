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
     * quantized convs. Runs with today's op library.
     */
    FLOAT("float"),
    /**
     * One {@code dev.asnet::ActiveShiftU8(X_u8, shift, x_scale, x_zero_point)} node on the uint8
     * tensor, output with the same scale and zero point ({@link ActiveShiftU8}). Needs an op library
     * that implements it.
     */
    UINT8("uint8");

    private final String id;

    AslQuantization(String id) {
        this.id = id;
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
