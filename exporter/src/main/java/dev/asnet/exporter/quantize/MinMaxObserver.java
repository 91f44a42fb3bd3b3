package dev.asnet.exporter.quantize;

/**
 * Tracks the smallest and largest value of one activation over every calibration batch. Not
 * thread-safe: one calibration loop feeds it.
 */
public final class MinMaxObserver {
    private final String name;
    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;
    private long count;

    /**
     * An observer with nothing seen yet.
     *
     * @param name the activation's name, for messages
     */
    public MinMaxObserver(String name) {
        this.name = name;
    }

    /**
     * Takes one batch of values.
     *
     * @param values the activation's values
     * @throws IllegalStateException naming the activation if a value is NaN or infinite (the float
     *     model itself is broken on the calibration data)
     */
    public void observe(float[] values) {
        float lo = min;
        float hi = max;
        boolean nan = false;
        for (float v : values) {
            nan |= v != v;  // NaN compares neither below nor above, so the bounds cannot show it
            if (v < lo) {
                lo = v;
            }
            if (v > hi) {
                hi = v;
            }
        }
        if (nan || values.length > 0 && (!Float.isFinite(lo) || !Float.isFinite(hi))) {
            throw new IllegalStateException("activation '" + name + "' is not finite on the calibration data"
                    + " (the float model gives NaN or infinite values)");
        }
        min = lo;
        max = hi;
        count += values.length;
    }

    /**
     * How many values were seen.
     *
     * @return the count
     */
    public long count() {
        return count;
    }

    /**
     * The range seen.
     *
     * @return [min, max]
     * @throws IllegalStateException if nothing was observed
     */
    public TensorRange range() {
        if (count == 0) {
            throw new IllegalStateException("activation '" + name + "' was never observed");
        }
        return new TensorRange(min, max);
    }
}
