package dev.asnet.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;

/**
 * Adds an execution provider to ONNX Runtime session options, with a message that says what to do
 * when it is unavailable; used by {@link SessionFactory}.
 */
final class ExecutionProviders {
    private ExecutionProviders() {}

    /**
     * Adds CUDA to the options.
     *
     * @param options the session options (possibly half-configured after a failure: discard them)
     * @param device the CUDA device ordinal
     * @return null on success, otherwise why CUDA is unavailable and what to do
     */
    static String tryAddCuda(OrtSession.SessionOptions options, int device) {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return "CUDA was requested but this ONNX Runtime build has no CUDA execution provider (the CPU jar "
                    + "com.microsoft.onnxruntime:onnxruntime is on the class path); use the GPU build: "
                    + "'mvn -B install -DskipTests -Pgpu' for the asnet command, or depend on "
                    + "com.microsoft.onnxruntime:onnxruntime_gpu instead of onnxruntime";
        }
        try {
            options.addCUDA(device);
            return null;
        } catch (OrtException e) {
            return "CUDA was requested but the CUDA execution provider failed to start on device " + device
                    + " (no GPU, or the CUDA 12 / cuDNN 9 libraries this ONNX Runtime build needs are missing): "
                    + e.getMessage();
        }
    }
}
