package dev.asnet.training.autodiff;

/**
 * The reverse-mode rule of one op: given the gradients of the op's outputs, emit the nodes that
 * compute the gradients of its inputs. Rules are registered in {@link GradientRules}.
 */
@FunctionalInterface
public interface GradientRule {
    /**
     * Emits the backward nodes of one recorded op.
     *
     * @param ctx the op, its output gradients and where to put input gradients
     */
    void backward(GradientContext ctx);
}
