package dev.asnet.runtime;

/**
 * A model produced NaN or infinite outputs, so no class can be chosen: its weights (or its input)
 * are broken, for example after a diverged training. The message names the offending value.
 */
public class NonFiniteOutputException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which output is not finite
     */
    public NonFiniteOutputException(String message) {
        super(message);
    }
}
