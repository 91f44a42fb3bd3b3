package dev.asnet.training.autodiff.rules;

/**
 * The reverse-mode rule of one op: given the gradients of the op's outputs, emit the nodes that
 * compute the gradients of its inputs. Rules are tied to op types from outside this package (by
 * {@code dev.asnet.training.autodiff.GradientRules}), so rules never depend on the tracer.
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
