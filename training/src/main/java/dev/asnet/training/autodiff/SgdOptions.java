package dev.asnet.training.autodiff;

/**
 * The optimizer built into a training-step graph: SGD with (Nesterov) momentum and weight decay,
 * following the reference ASL recipe (docs/asl.md): no decay on BN parameters, biases and
 * shifts; shifts use a learning-rate multiplier and, optionally, per-channel gradient
 * normalization ({@code (gx, gy) / ||(gx, gy)||}, applied before momentum).
 *
 * @param momentum momentum factor (0.9 in the recipe)
 * @param nesterov Nesterov momentum (PyTorch's formulation: {@code p -= lr * (g + mu * v)})
 * @param weightDecay L2 factor added to decayed parameters' gradients
 * @param shiftLrMultiplier learning-rate multiplier for shift parameters
 * @param normalizeShiftGrad whether each channel's shift gradient is normalized to unit length
 */
public record SgdOptions(float momentum, boolean nesterov, float weightDecay, float shiftLrMultiplier,
        boolean normalizeShiftGrad) {

    /**
     * The reference recipe: momentum 0.9, Nesterov, decay 5e-4, shift multiplier 0.01 with
     * normalization.
     *
     * @return the defaults
     */
    public static SgdOptions reference() {
        return builder().build();
    }

    /**
     * Validates the values.
     *
     * @param momentum momentum factor in [0, 1)
     * @param nesterov Nesterov momentum
     * @param weightDecay L2 factor, finite and >= 0
     * @param shiftLrMultiplier shift learning-rate multiplier, finite and >= 0
     * @param normalizeShiftGrad per-channel shift gradient normalization
     */
    public SgdOptions {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0) || !Float.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weight decay must be a finite number >= 0, got " + weightDecay);
        }
        if (!(shiftLrMultiplier >= 0) || !Float.isFinite(shiftLrMultiplier)) {
            throw new IllegalArgumentException("shift LR multiplier must be a finite number >= 0, got "
                    + shiftLrMultiplier);
        }
    }

    /**
     * A builder starting from the reference recipe ({@link #reference()}).
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link SgdOptions} by name instead of by position; every setting starts at the recipe's value. */
    public static final class Builder {
        private float momentum = 0.9f;
        private boolean nesterov = true;
        private float weightDecay = 5e-4f;
        private float shiftLrMultiplier = 0.01f;
        private boolean normalizeShiftGrad = true;

        private Builder() {}

        /**
         * Sets the momentum factor (default 0.9).
         *
         * @param m the factor in [0, 1)
         * @return this builder
         */
        public Builder optMomentum(float m) {
            this.momentum = m;
            return this;
        }

        /**
         * Chooses Nesterov (default) or plain momentum.
         *
         * @param n true for Nesterov
         * @return this builder
         */
        public Builder optNesterov(boolean n) {
            this.nesterov = n;
            return this;
        }

        /**
         * Sets the weight decay (default 5e-4).
         *
         * @param w the L2 factor
         * @return this builder
         */
        public Builder optWeightDecay(float w) {
            this.weightDecay = w;
            return this;
        }

        /**
         * Sets the shifts' learning-rate multiplier (default 0.01).
         *
         * @param m the multiplier
         * @return this builder
         */
        public Builder optShiftLrMultiplier(float m) {
            this.shiftLrMultiplier = m;
            return this;
        }

        /**
         * Sets whether each channel's shift gradient is normalized to unit length (default true).
         *
         * @param n the choice
         * @return this builder
         */
        public Builder optNormalizeShiftGrad(boolean n) {
            this.normalizeShiftGrad = n;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @return the options
         * @throws IllegalArgumentException naming a value out of range
         */
        public SgdOptions build() {
            return new SgdOptions(momentum, nesterov, weightDecay, shiftLrMultiplier, normalizeShiftGrad);
        }
    }
}
