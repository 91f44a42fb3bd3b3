package dev.asnet.exporter.ops;

import java.util.Arrays;

/**
 * Conv attributes. The kernel shape comes from the weight; everything here is optional.
 *
 * <pre>{@code
 * ConvOptions o = ConvOptions.builder().optStrides(2, 2).optPads(1, 1, 1, 1).optGroups(32).build();
 * }</pre>
 */
public final class ConvOptions {
    private final long[] strides;
    private final long[] pads;
    private final long[] dilations;
    private final long groups;

    private ConvOptions(Builder b) {
        this.strides = b.strides;
        this.pads = b.pads;
        this.dilations = b.dilations;
        this.groups = b.groups;
    }

    /**
     * Stride 1, no padding, no dilation, one group.
     *
     * @return the default options
     */
    public static ConvOptions defaults() {
        return builder().build();
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
     * Strides (along H, along W).
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
     * Dilations (along H, along W).
     *
     * @return a copy
     */
    public long[] dilations() {
        return dilations.clone();
    }

    /**
     * Number of groups.
     *
     * @return the groups
     */
    public long groups() {
        return groups;
    }

    /** Builds {@link ConvOptions}. */
    public static final class Builder {
        private long[] strides = {1, 1};
        private long[] pads = {0, 0, 0, 0};
        private long[] dilations = {1, 1};
        private long groups = 1;

        private Builder() {}

        /**
         * Sets the strides.
         *
         * @param sh stride along H
         * @param sw stride along W
         * @return this builder
         */
        public Builder optStrides(long sh, long sw) {
            strides = new long[] {sh, sw};
            return this;
        }

        /**
         * Sets the same stride on both axes.
         *
         * @param s the stride
         * @return this builder
         */
        public Builder optStride(long s) {
            return optStrides(s, s);
        }

        /**
         * Sets the padding.
         *
         * @param top rows before
         * @param left columns before
         * @param bottom rows after
         * @param right columns after
         * @return this builder
         */
        public Builder optPads(long top, long left, long bottom, long right) {
            pads = new long[] {top, left, bottom, right};
            return this;
        }

        /**
         * Sets the same padding on every side.
         *
         * @param p the padding
         * @return this builder
         */
        public Builder optPad(long p) {
            return optPads(p, p, p, p);
        }

        /**
         * Sets the dilations.
         *
         * @param dh along H
         * @param dw along W
         * @return this builder
         */
        public Builder optDilations(long dh, long dw) {
            dilations = new long[] {dh, dw};
            return this;
        }

        /**
         * Sets the number of groups (channels for a depthwise conv).
         *
         * @param g the groups
         * @return this builder
         */
        public Builder optGroups(long g) {
            groups = g;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the options
         * @throws IllegalArgumentException for a stride, dilation or group below 1 or a negative pad
         */
        public ConvOptions build() {
            if (strides[0] < 1 || strides[1] < 1) {
                throw new IllegalArgumentException("Conv strides must be >= 1, got " + Arrays.toString(strides));
            }
            if (dilations[0] < 1 || dilations[1] < 1) {
                throw new IllegalArgumentException("Conv dilations must be >= 1, got " + Arrays.toString(dilations));
            }
            for (long p : pads) {
                if (p < 0) {
                    throw new IllegalArgumentException("Conv pads must be >= 0, got " + Arrays.toString(pads));
                }
            }
            if (groups < 1) {
                throw new IllegalArgumentException("Conv groups must be >= 1, got " + groups);
            }
            return new ConvOptions(this);
        }
    }
}
