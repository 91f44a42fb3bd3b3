package dev.asnet.runtime;

import ai.onnxruntime.OrtException;

/**
 * The execution provider asked for cannot be used: the ONNX Runtime build on the class path lacks
 * it, or it failed to start (no GPU, missing CUDA libraries).
 */
public class ProviderUnavailableException extends OrtException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    private final ExecutionProvider provider;

    /**
     * Creates the exception.
     *
     * @param provider the provider that cannot be used
     * @param message why, and what to do
     */
    public ProviderUnavailableException(ExecutionProvider provider, String message) {
        super(message);
        this.provider = provider;
    }

    /**
     * The provider that cannot be used.
     *
     * @return the provider
     */
    public ExecutionProvider provider() {
        return provider;
    }
}
