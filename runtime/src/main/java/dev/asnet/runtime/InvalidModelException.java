package dev.asnet.runtime;

import java.io.IOException;

/**
 * A model file or byte array that is not a usable ONNX model: not ONNX at all, no graph, or a graph
 * ONNX Runtime refuses to load.
 */
public class InvalidModelException extends IOException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the model
     */
    public InvalidModelException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong, naming the model
     * @param cause the underlying error
     */
    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
