package dev.asnet.bench.latency;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;

/**
 * One way of running every model: intra-op threads, graph optimization level and device.
 *
 * @param threads intra-op threads (1 = the paper's protocol)
 * @param level ONNX Runtime graph optimization level
 * @param gpu whether to use the CUDA execution provider
 */
public record BenchConfig(int threads, OptLevel level, boolean gpu) {
    /** Validates the fields. */
    public BenchConfig {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
    }

    /** A short label such as {@code 1T ALL cpu}. */
    public String label() {
        return threads + "T " + levelName(level) + (gpu ? " cuda" : " cpu");
    }

    /** BASIC, EXTENDED, ALL or NONE (other levels by their enum name). */
    public static String levelName(OptLevel level) {
        return switch (level) {
            case NO_OPT -> "NONE";
            case BASIC_OPT -> "BASIC";
            case EXTENDED_OPT -> "EXTENDED";
            case ALL_OPT -> "ALL";
            default -> level.name();
        };
    }
}
