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
        return new SgdOptions(0.9f, true, 5e-4f, 0.01f, true);
    }
}
