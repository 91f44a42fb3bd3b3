package dev.asnet.exporter.ir;

/**
 * A graph that would be invalid: a wrong shape or type, an unknown attribute, a duplicate name, a
 * value from another graph. Messages name the node (or value) and the mismatch.
 */
public class IrException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the node or value
     */
    public IrException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong, naming the node or value
     * @param cause the underlying error
     */
    public IrException(String message, Throwable cause) {
        super(message, cause);
    }
}
