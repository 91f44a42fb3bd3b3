package dev.asnet.runtime;

import ai.onnxruntime.OrtSession.SessionOptions.OptLevel;
import java.util.Locale;

/** How much ONNX Runtime rewrites the graph before running it. */
public enum OptimizationLevel {
    /** No graph optimization: runs the graph exactly as written. */
    DISABLED(OptLevel.NO_OPT),
    /** Constant folding and redundant node elimination. */
    BASIC(OptLevel.BASIC_OPT),
    /** BASIC plus operator fusions. */
    EXTENDED(OptLevel.EXTENDED_OPT),
    /** Everything, including the CPU's blocked (NCHWc) convolution layout. The default. */
    ALL(OptLevel.ALL_OPT);

    private final OptLevel ort;

    OptimizationLevel(OptLevel ort) {
        this.ort = ort;
    }

    /**
     * The ONNX Runtime level this maps to.
     *
     * @return the level
     */
    public OptLevel toOrt() {
        return ort;
    }

    /**
     * Parses a level name, case-insensitively.
     *
     * @param name {@code disabled}, {@code basic}, {@code extended} or {@code all}
     * @return the level
     * @throws IllegalArgumentException for any other name
     */
    public static OptimizationLevel parse(String name) {
        for (OptimizationLevel l : values()) {
            if (l.name().equalsIgnoreCase(name.trim())) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown optimization level '" + name
                + "' (use disabled, basic, extended or all)");
    }

    /**
     * The lower-case name used on command lines.
     *
     * @return the name
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
