package dev.asnet.runtime;

import java.util.Locale;

/**
 * Where a session runs: ONNX Runtime's CPU provider, or its CUDA provider on one device (which
 * needs the GPU build of ONNX Runtime, {@code onnxruntime_gpu}). Written {@code cpu}, {@code cuda}
 * (device 0) or {@code cuda:N} on every asnet command line.
 *
 * @param provider the execution provider
 * @param ordinal the CUDA device ordinal (0 for the CPU)
 */
public record Device(ExecutionProvider provider, int ordinal) {
    /** The CPU. */
    public static final Device CPU = new Device(ExecutionProvider.CPU, 0);

    /**
     * Validates the values.
     *
     * @param provider the execution provider
     * @param ordinal the CUDA device ordinal
     */
    public Device {
        if (provider == null) {
            throw new IllegalArgumentException("provider must not be null");
        }
        if (ordinal < 0 || (provider == ExecutionProvider.CPU && ordinal != 0)) {
            throw new IllegalArgumentException("bad device ordinal " + ordinal + " for " + provider);
        }
    }

    /**
     * A CUDA device.
     *
     * @param ordinal the device ordinal (>= 0)
     * @return the device
     */
    public static Device cuda(int ordinal) {
        return new Device(ExecutionProvider.CUDA, ordinal);
    }

    /**
     * Parses {@code cpu}, {@code cuda} (device 0) or {@code cuda:N}, case-insensitively.
     *
     * @param text the text
     * @return the device
     * @throws IllegalArgumentException naming the accepted forms
     */
    public static Device parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return CPU;
        }
        if (t.equals("cuda")) {
            return cuda(0);
        }
        if (t.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(t.substring(5)));
            } catch (IllegalArgumentException e) {
                // falls through to the message below
            }
        }
        throw new IllegalArgumentException("unknown device '" + text + "': use cpu, cuda or cuda:N (N >= 0)");
    }

    /** {@code cpu} or {@code cuda:N}, as {@link #parse} reads it. */
    @Override
    public String toString() {
        return provider == ExecutionProvider.CPU ? "cpu" : "cuda:" + ordinal;
    }
}
