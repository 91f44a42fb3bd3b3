package dev.asnet.exporter.export;

import dev.asnet.exporter.ir.Model;
import java.util.Objects;

/**
 * Choices for {@link InferenceExport}.
 *
 * <pre>{@code
 * ExportOptions o = ExportOptions.builder().setLowering(AslLowering.DEPTHWISE).optMaxRadius(4).build();
 * }</pre>
 */
public final class ExportOptions {
    /** Default largest depthwise kernel radius: covers every shift seen in published models. */
    public static final int DEFAULT_MAX_RADIUS = 8;

    private final AslLowering lowering;
    private final int maxRadius;
    private final boolean foldBatchNorm;
    private final boolean sortShiftChannels;
    private final int opsetVersion;

    private ExportOptions(Builder b) {
        this.lowering = b.lowering;
        this.maxRadius = b.maxRadius;
        this.foldBatchNorm = b.foldBatchNorm;
        this.sortShiftChannels = b.sortShiftChannels;
        this.opsetVersion = b.opsetVersion;
    }

    /**
     * Starts a builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Options for one lowering with every other choice at its default.
     *
     * @param lowering the lowering
     * @return the options
     */
    public static ExportOptions of(AslLowering lowering) {
        return builder().setLowering(lowering).build();
    }

    /**
     * The ASL lowering.
     *
     * @return the lowering
     */
    public AslLowering lowering() {
        return lowering;
    }

    /**
     * The largest radius the depthwise lowering may use.
     *
     * @return the limit
     */
    public int maxRadius() {
        return maxRadius;
    }

    /**
     * Whether BatchNormalization is folded into the conv before it.
     *
     * @return the choice
     */
    public boolean foldBatchNorm() {
        return foldBatchNorm;
    }

    /**
     * Whether the channels of each Active Shift layer are ordered by their integer offsets
     * ({@link SortShiftChannels}), which makes the blocked (NCHWc) kernel faster and changes no
     * result beyond float rounding.
     *
     * @return the choice
     */
    public boolean sortShiftChannels() {
        return sortShiftChannels;
    }

    /**
     * The standard ONNX opset version to target.
     *
     * @return the version
     */
    public int opsetVersion() {
        return opsetVersion;
    }

    /** Builds {@link ExportOptions}. */
    public static final class Builder {
        private AslLowering lowering;
        private int maxRadius = DEFAULT_MAX_RADIUS;
        private boolean foldBatchNorm = true;
        private boolean sortShiftChannels = true;
        private int opsetVersion = Model.DEFAULT_OPSET;

        private Builder() {}

        /**
         * Sets the ASL lowering (required).
         *
         * @param l the lowering
         * @return this builder
         */
        public Builder setLowering(AslLowering l) {
            this.lowering = Objects.requireNonNull(l, "lowering");
            return this;
        }

        /**
         * Sets the largest kernel radius the depthwise lowering may use (default {@value
         * ExportOptions#DEFAULT_MAX_RADIUS}).
         *
         * @param r the limit, {@code >= 0}
         * @return this builder
         */
        public Builder optMaxRadius(int r) {
            this.maxRadius = r;
            return this;
        }

        /**
         * Sets whether to fold BatchNormalization into convs (default true).
         *
         * @param fold the choice
         * @return this builder
         */
        public Builder optFoldBatchNorm(boolean fold) {
            this.foldBatchNorm = fold;
            return this;
        }

        /**
         * Sets whether to order each Active Shift layer's channels by their integer offsets
         * (default true; see {@link SortShiftChannels}).
         *
         * @param sort the choice
         * @return this builder
         */
        public Builder optSortShiftChannels(boolean sort) {
            this.sortShiftChannels = sort;
            return this;
        }

        /**
         * Sets the standard opset version (default {@value Model#DEFAULT_OPSET}).
         *
         * @param version the version
         * @return this builder
         */
        public Builder optOpsetVersion(int version) {
            this.opsetVersion = version;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the options
         * @throws IllegalArgumentException if the lowering is missing, the radius is negative, or
         *     the opset cannot express the lowering
         */
        public ExportOptions build() {
            if (lowering == null) {
                throw new IllegalArgumentException("export options need an ASL lowering: call setLowering");
            }
            if (maxRadius < 0) {
                throw new IllegalArgumentException("maxRadius must be >= 0, got " + maxRadius);
            }
            if (opsetVersion < 13) {
                throw new IllegalArgumentException("asnet exports need opset >= 13, got " + opsetVersion);
            }
            if (lowering == AslLowering.PORTABLE && opsetVersion < 16) {
                throw new IllegalArgumentException("the portable ASL lowering uses GridSample and needs opset >= 16, got "
                        + opsetVersion);
            }
            return new ExportOptions(this);
        }
    }
}
