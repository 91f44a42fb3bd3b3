package dev.asnet.training.autodiff;

import dev.asnet.exporter.ir.Value;

/** What a {@link GradientRule} sees: the recorded op, the emitter, and the gradient slots. */
public interface GradientContext {
    /**
     * The recorded op.
     *
     * @return the tape entry
     */
    TapeEntry entry();

    /**
     * Where to emit nodes.
     *
     * @return the emitter
     */
    Emitter emitter();

    /**
     * The gradient of the loss with respect to one output.
     *
     * @param i the output index
     * @return the gradient, or null when that output does not influence the loss
     */
    Value outputGrad(int i);

    /**
     * Whether the loss gradient of an input is wanted (the input depends on something being
     * differentiated); rules skip the work for inputs that are not.
     *
     * @param i the input slot
     * @return true if {@link #addInputGrad} should be called for it
     */
    boolean needsGrad(int i);

    /**
     * Adds a contribution to an input's gradient (contributions of several users are summed).
     *
     * @param i the input slot
     * @param grad the gradient, with the input's shape
     */
    void addInputGrad(int i, Value grad);
}
