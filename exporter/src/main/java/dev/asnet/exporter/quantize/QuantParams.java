package dev.asnet.exporter.quantize;

import dev.asnet.exporter.ir.DataType;

/**
 * The affine map of one quantized tensor: {@code real = (q - zeroPoint) * scale}, with {@code q}
 * in the range of {@link #type()}. Quantizing rounds half to even and saturates, exactly as ONNX's
 * QuantizeLinear does, so {@link #fakeQuantize} is the Java reference of a Q/DQ pair.
 *
 * @param scale the step between two quantized values, finite and &gt; 0
 * @param zeroPoint the quantized value that stands for real 0
 * @param type {@link DataType#UINT8} (activations) or {@link DataType#INT8} (weights)
 */
public record QuantParams(float scale, int zeroPoint, DataType type) {
    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException if the scale is not finite and positive, the type is not
     *     uint8 or int8, or the zero point is outside the type's range
     */
    public QuantParams {
        if (!(scale > 0) || !Float.isFinite(scale)) {
            throw new IllegalArgumentException("a quantization scale must be finite and > 0, got " + scale);
        }
        if (type != DataType.UINT8 && type != DataType.INT8) {
            throw new IllegalArgumentException("quantized tensors are UINT8 or INT8, not " + type);
        }
        if (zeroPoint < type.minInt() || zeroPoint > type.maxInt()) {
            throw new IllegalArgumentException("zero point " + zeroPoint + " is outside the range of " + type);
        }
    }

    /**
     * Asymmetric uint8 parameters covering a real range. The range is first widened to hold 0, so
     * that real 0 (zero padding, ReLU's floor, the taps an Active Shift reads outside the image) is
     * represented exactly by the zero point. A range of width 0 (a tensor that is always 0) gets
     * scale 1.
     *
     * @param min the smallest value to represent
     * @param max the largest value to represent
     * @return scale {@code (max - min) / 255} and zero point {@code round(-min / scale)}
     * @throws IllegalArgumentException if a bound is not finite or min &gt; max
     */
    public static QuantParams uint8(float min, float max) {
        if (!Float.isFinite(min) || !Float.isFinite(max) || min > max) {
            throw new IllegalArgumentException("cannot quantize the range [" + min + ", " + max + "]");
        }
        float lo = Math.min(min, 0f);
        float hi = Math.max(max, 0f);
        if (hi == lo) {
            return new QuantParams(1f, 0, DataType.UINT8);
        }
        float scale = (float) (((double) hi - lo) / 255.0);
        if (!(scale > 0)) {
            scale = Float.MIN_NORMAL;  // a range narrower than float can step: any positive scale is exact
        }
        int zp = (int) Math.rint(-lo / scale);
        return new QuantParams(scale, Math.max(0, Math.min(255, zp)), DataType.UINT8);
    }

    /**
     * Quantizes one value: {@code saturate(rint(x / scale) + zeroPoint)}, rounding half to even.
     *
     * @param x the real value
     * @return the quantized value, in the type's range
     */
    public int quantize(float x) {
        double q = Math.rint(x / scale) + zeroPoint;
        return (int) Math.max(type.minInt(), Math.min(type.maxInt(), q));
    }

    /**
     * The real value of a quantized one.
     *
     * @param q the quantized value
     * @return {@code (q - zeroPoint) * scale}
     */
    public float dequantize(int q) {
        return (q - zeroPoint) * scale;
    }

    /**
     * Quantizes and dequantizes: what a Q/DQ pair makes of a value.
     *
     * @param x the real value
     * @return the nearest representable value, saturated to the range
     */
    public float fakeQuantize(float x) {
        return dequantize(quantize(x));
    }

    /**
     * The smallest real value represented.
     *
     * @return {@code (min - zeroPoint) * scale}
     */
    public float min() {
        return dequantize(type.minInt());
    }

    /**
     * The largest real value represented.
     *
     * @return {@code (max - zeroPoint) * scale}
     */
    public float max() {
        return dequantize(type.maxInt());
    }
}
