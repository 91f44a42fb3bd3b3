package dev.asnet.runtime;

import java.io.IOException;

/**
 * The model imports the {@code dev.asnet} operator domain but the asnet custom-op library cannot be
 * found, extracted or registered with ONNX Runtime.
 */
public class OpLibraryException extends IOException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed and what to do
     * @param cause the underlying error
     */
    public OpLibraryException(String message, Throwable cause) {
        super(message, cause);
    }
}
