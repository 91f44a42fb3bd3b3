package dev.asnet.exporter.quantize;

import java.util.Locale;

/** How an activation's quantization range is chosen from the values seen during calibration. */
public enum CalibrationMethod {
    /** The smallest and largest value seen: nothing saturates, outliers widen the step. */
    MINMAX("minmax", 1),
    /**
     * The lower and upper percentile of the values seen (for example 0.01% and 99.99%): the rare
     * extremes saturate so the common values get a finer step. Needs a second pass over the data
     * (a histogram over the min-max range of the first).
     */
    PERCENTILE("percentile", 2);

    private final String id;
    private final int passes;

    CalibrationMethod(String id, int passes) {
        this.id = id;
        this.passes = passes;
    }

    /**
     * The name used on the command line and in metadata.
     *
     * @return {@code minmax} or {@code percentile}
     */
    public String id() {
        return id;
    }

    /**
     * How many times calibration runs the data through the model.
     *
     * @return 1 or 2
     */
    public int passes() {
        return passes;
    }

    /**
     * Parses a name.
     *
     * @param text {@code minmax} or {@code percentile}, any case
     * @return the method
     * @throws IllegalArgumentException naming the choices for anything else
     */
    public static CalibrationMethod parse(String text) {
        for (CalibrationMethod m : values()) {
            if (m.id.equals(text.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown calibration method '" + text + "' (choose minmax or percentile)");
    }
}
