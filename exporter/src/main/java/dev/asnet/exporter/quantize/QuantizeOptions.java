package dev.asnet.exporter.quantize;

import java.util.Objects;

/**
 * Choices of static post-training quantization: how activation ranges are calibrated and how
 * Active Shift layers and unfoldable BatchNormalizations run. Build with {@link #builder()}; values are checked in {@link
 * Builder#build()}.
 */
public final class QuantizeOptions {
    /** The default percentile of {@link CalibrationMethod#PERCENTILE}. */
    public static final double DEFAULT_PERCENTILE = 99.99;

    private final CalibrationMethod method;
    private final double percentile;
    private final AslQuantization asl;
    private final BatchNormQuantization batchNorm;
    private final boolean floatStem;

    private QuantizeOptions(Builder b) {
        this.method = b.method;
        this.percentile = b.percentile;
        this.asl = b.asl;
        this.batchNorm = b.batchNorm;
        this.floatStem = b.floatStem;
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
     * How a BatchNormalization that cannot fold into a conv runs in a given model.
     *
     * @param needsAsnetOps whether the quantized model needs the asnet op library anyway (it has
     *     Active Shift layers, not in the portable form)
     * @return the form set, or by default {@link BatchNormQuantization#UINT8} where the model needs
     *     the op library anyway and {@link BatchNormQuantization#CONV} where it would otherwise keep
     *     to standard ops (a quantization never adds that dependency unasked)
     */
    public BatchNormQuantization batchNorm(boolean needsAsnetOps) {
        if (batchNorm != null) {
            return batchNorm;
        }
        return needsAsnetOps ? BatchNormQuantization.UINT8 : BatchNormQuantization.CONV;
    }

    /**
     * Whether the stem (a Conv that reads a graph input, the float image) stays float, its output
     * quantized. On ONNX Runtime's CPU the int8 form of a stem with 1-3 input channels is slower
     * than the float one plus a QuantizeLinear (measured at batch 1, one thread: the pretrained
     * 28x28 model 0.239 -> 0.227 ms, AS-ResNet-w32 2.18 -> 2.09 ms, MobileNetV2-0.5 1.84 -> 1.74
     * ms), and the float image keeps its full precision.
     *
     * @return true by default
     */
    public boolean floatStem() {
        return floatStem;
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
        private BatchNormQuantization batchNorm;
        private boolean floatStem = true;

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
         * Sets how a BatchNormalization that cannot fold into a conv runs (default: the uint8 op in
         * models that need the asnet op library anyway, a depthwise conv in the others).
         *
         * @param form the uint8 op or a depthwise conv
         * @return this builder
         */
        public Builder optBatchNorm(BatchNormQuantization form) {
            this.batchNorm = Objects.requireNonNull(form, "batchNorm");
            return this;
        }

        /**
         * Sets whether the stem conv stays float (default) or is quantized like the others.
         *
         * @param floatStem true to keep it float
         * @return this builder
         */
        public Builder optFloatStem(boolean floatStem) {
            this.floatStem = floatStem;
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
