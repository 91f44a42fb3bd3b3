package dev.asnet.exporter.quantize;

import java.util.Objects;

/**
 * Choices of static post-training quantization: how activation ranges are calibrated and how
 * Active Shift layers run. Build with {@link #builder()}; values are checked in {@link
 * Builder#build()}.
 */
public final class QuantizeOptions {
    /** The default percentile of {@link CalibrationMethod#PERCENTILE}. */
    public static final double DEFAULT_PERCENTILE = 99.99;

    private final CalibrationMethod method;
    private final double percentile;
    private final AslQuantization asl;

    private QuantizeOptions(Builder b) {
        this.method = b.method;
        this.percentile = b.percentile;
        this.asl = b.asl;
    }

    /**
     * A builder with the defaults: min-max calibration, Active Shift as the uint8 op.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The defaults.
     *
     * @return {@code builder().build()}
     */
    public static QuantizeOptions defaults() {
        return builder().build();
    }

    /**
     * The calibration method.
     *
     * @return the method
     */
    public CalibrationMethod method() {
        return method;
    }

    /**
     * The upper percentile kept by {@link CalibrationMethod#PERCENTILE} (the lower one is
     * {@code 100 - percentile}).
     *
     * @return the percentile, in (50, 100]
     */
    public double percentile() {
        return percentile;
    }

    /**
     * How Active Shift layers run.
     *
     * @return the form
     */
    public AslQuantization asl() {
        return asl;
    }

    /**
     * The method as written into {@link dev.asnet.exporter.ModelInfo#QUANTIZED}.
     *
     * @return {@code minmax} or {@code percentile 99.99}
     */
    public String describeMethod() {
        return method == CalibrationMethod.PERCENTILE ? method.id() + " " + percentile : method.id();
    }

    /** Builds {@link QuantizeOptions}. */
    public static final class Builder {
        private CalibrationMethod method = CalibrationMethod.MINMAX;
        private double percentile = DEFAULT_PERCENTILE;
        private AslQuantization asl = AslQuantization.UINT8;

        private Builder() {}

        /**
         * Sets the calibration method.
         *
         * @param m the method
         * @return this builder
         */
        public Builder optMethod(CalibrationMethod m) {
            this.method = Objects.requireNonNull(m, "method");
            return this;
        }

        /**
         * Sets the percentile of {@link CalibrationMethod#PERCENTILE}.
         *
         * @param p in (50, 100]
         * @return this builder
         */
        public Builder optPercentile(double p) {
            this.percentile = p;
            return this;
        }

        /**
         * Sets how Active Shift layers run.
         *
         * @param form float sandwich or the uint8 op
         * @return this builder
         */
        public Builder optAsl(AslQuantization form) {
            this.asl = Objects.requireNonNull(form, "asl");
            return this;
        }

        /**
         * Checks and builds.
         *
         * @return the options
         * @throws IllegalArgumentException if the percentile is outside (50, 100]
         */
        public QuantizeOptions build() {
            if (!(percentile > 50 && percentile <= 100)) {
                throw new IllegalArgumentException("percentile must be in (50, 100], got " + percentile);
            }
            return new QuantizeOptions(this);
        }
    }
}
