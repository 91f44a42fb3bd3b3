package dev.asnet.exporter.quantize;

/**
 * The real range an activation is quantized to cover.
 *
 * @param min the lower end
 * @param max the upper end, &gt;= min
 */
public record TensorRange(float min, float max) {
    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException if a bound is not finite or min &gt; max
     */
    public TensorRange {
        if (!Float.isFinite(min) || !Float.isFinite(max) || min > max) {
            throw new IllegalArgumentException("invalid range [" + min + ", " + max + "]");
        }
    }

    /**
     * The uint8 parameters covering this range (widened to hold 0).
     *
     * @return the parameters
     */
    public QuantParams toUint8() {
        return QuantParams.uint8(min, max);
    }
}
