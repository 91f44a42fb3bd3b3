package dev.asnet.exporter.ops;

import java.util.Arrays;

/**
 * AveragePool/MaxPool attributes.
 *
 * <pre>{@code
 * PoolOptions o = PoolOptions.builder().setKernel(3, 3).optStride(2).optPad(1).build();
 * }</pre>
 */
public final class PoolOptions {
    private final long[] kernel;
    private final long[] strides;
    private final long[] pads;
    private final boolean ceilMode;
    private final boolean countIncludePad;

    private PoolOptions(Builder b) {
        this.kernel = b.kernel;
        this.strides = b.strides;
        this.pads = b.pads;
        this.ceilMode = b.ceilMode;
        this.countIncludePad = b.countIncludePad;
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
     * Kernel (along H, along W).
     *
     * @return a copy
     */
    public long[] kernel() {
        return kernel.clone();
    }

    /**
     * Strides.
     *
     * @return a copy
     */
    public long[] strides() {
        return strides.clone();
    }

    /**
     * Pads (top, left, bottom, right).
     *
     * @return a copy
     */
    public long[] pads() {
        return pads.clone();
    }

    /**
     * Whether output sizes round up.
     *
     * @return the ceil mode
     */
    public boolean ceilMode() {
        return ceilMode;
    }

    /**
     * Whether AveragePool counts padding cells in the divisor.
     *
     * @return count_include_pad
     */
    public boolean countIncludePad() {
        return countIncludePad;
    }

    /** Builds {@link PoolOptions}. */
    public static final class Builder {
        private long[] kernel;
        private long[] strides = {1, 1};
        private long[] pads = {0, 0, 0, 0};
        private boolean ceilMode;
        private boolean countIncludePad;

        private Builder() {}

        /**
         * Sets the window (required).
         *
         * @param kh along H
         * @param kw along W
         * @return this builder
         */
        public Builder setKernel(long kh, long kw) {
            kernel = new long[] {kh, kw};
            return this;
        }

        /**
         * Sets the same stride on both axes.
         *
         * @param s the stride
         * @return this builder
         */
        public Builder optStride(long s) {
            strides = new long[] {s, s};
            return this;
        }

        /**
         * Sets the same padding on every side.
         *
         * @param p the padding
         * @return this builder
         */
        public Builder optPad(long p) {
            pads = new long[] {p, p, p, p};
            return this;
        }

        /**
         * Rounds output sizes up.
         *
         * @param ceil the ceil mode
         * @return this builder
         */
        public Builder optCeilMode(boolean ceil) {
            ceilMode = ceil;
            return this;
        }

        /**
         * Counts padding in AveragePool's divisor.
         *
         * @param include whether to count padding
         * @return this builder
         */
        public Builder optCountIncludePad(boolean include) {
            countIncludePad = include;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the options
         * @throws IllegalArgumentException if the kernel is missing or a value is out of range
         */
        public PoolOptions build() {
            if (kernel == null) {
                throw new IllegalArgumentException("pool options need a kernel: call setKernel");
            }
            if (kernel[0] < 1 || kernel[1] < 1 || strides[0] < 1 || strides[1] < 1) {
                throw new IllegalArgumentException("pool kernel and strides must be >= 1, got kernel "
                        + Arrays.toString(kernel) + " strides " + Arrays.toString(strides));
            }
            for (long p : pads) {
                if (p < 0) {
                    throw new IllegalArgumentException("pool pads must be >= 0, got " + Arrays.toString(pads));
                }
            }
            return new PoolOptions(this);
        }
    }
}
