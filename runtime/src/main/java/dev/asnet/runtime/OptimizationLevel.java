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
    /** EXTENDED plus layout optimizations for the execution provider, short of the CPU's blocked layout. */
    LAYOUT(OptLevel.LAYOUT_OPT),
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
     * Parses a level name, case-insensitively. ONNX Runtime's own names are accepted too
     * ({@code NO_OPT}, {@code BASIC_OPT}, ..., and {@code none} for {@code disabled}).
     *
     * @param name {@code disabled}, {@code basic}, {@code extended}, {@code layout} or {@code all}
     * @return the level
     * @throws IllegalArgumentException for any other name
     */
    public static OptimizationLevel parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.endsWith("_opt")) {
            n = n.substring(0, n.length() - 4);
        }
        if (n.equals("none") || n.equals("no")) {
            return DISABLED;
        }
        for (OptimizationLevel l : values()) {
            if (l.id().equals(n)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown optimization level '" + name
                + "' (use disabled, basic, extended, layout or all)");
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
