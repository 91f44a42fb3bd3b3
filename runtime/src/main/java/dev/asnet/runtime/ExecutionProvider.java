package dev.asnet.runtime;

import java.util.Locale;

/** Where ONNX Runtime executes a model. */
public enum ExecutionProvider {
    /** ONNX Runtime's CPU execution provider, available in every build. */
    CPU,
    /**
     * NVIDIA GPUs through ONNX Runtime's CUDA execution provider. Needs the GPU build of ONNX
     * Runtime ({@code com.microsoft.onnxruntime:onnxruntime_gpu}), a GPU, and the CUDA and cuDNN
     * libraries that build was made for. Nodes without a CUDA kernel run on the CPU.
     */
    CUDA;

    /**
     * Parses a provider name, case-insensitively ({@code cpu} or {@code cuda}).
     *
     * @param name the name
     * @return the provider
     * @throws IllegalArgumentException if the name is neither
     */
    public static ExecutionProvider parse(String name) {
        for (ExecutionProvider p : values()) {
            if (p.name().equalsIgnoreCase(name.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown execution provider '" + name + "' (use cpu or cuda)");
    }

    /**
     * The lower-case name used on command lines.
     *
     * @return {@code cpu} or {@code cuda}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
