package dev.asnet.runtime.nchwc;

import java.io.IOException;

/** ONNX Runtime does not use the NCHWc layout here, or its block size cannot be determined exactly. */
public class NchwcUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is missing and why
     */
    public NchwcUnavailableException(String message) {
        super(message);
    }
}
