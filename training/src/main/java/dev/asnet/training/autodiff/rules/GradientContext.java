package dev.asnet.training.autodiff.rules;

import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.GraphBuilder;

/** What a {@link GradientRule} sees: the recorded op, the builder to emit with, and the gradient slots. */
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
     * @return the builder of the training graph
     */
    GraphBuilder builder();

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

    /**
     * The gradient an input has received so far from the users processed before this op (in
     * reverse tape order), or null. A rule that can add it in its own output (a fused op with an
     * accumulate input) passes it there and calls {@link #replaceInputGrad}, saving the Add that
     * {@link #addInputGrad} would emit.
     *
     * @param i the input slot
     * @return the gradient summed so far, or null when there is none
     */
    Value accumulatedGrad(int i);

    /**
     * Sets an input's gradient to a value that already includes {@link #accumulatedGrad}.
     *
     * @param i the input slot
     * @param total the gradient including every contribution so far, with the input's shape
     */
    void replaceInputGrad(int i, Value total);
}
