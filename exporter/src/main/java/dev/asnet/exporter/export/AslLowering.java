package dev.asnet.exporter.export;

import java.util.Locale;

/** How an Active Shift layer is written into an exported ONNX model. */
public enum AslLowering {
    /**
     * The {@code dev.asnet::ActiveShift} custom op: fastest, but the runtime must register the
     * asnet custom-op library.
     */
    CUSTOM,
    /**
     * Standard ONNX only: channels are moved to the batch axis (Transpose), sampled with
     * GridSample (bilinear, zero padding, opset 16+) on a grid computed in the graph from the
     * shifts, and moved back. Runs in any ONNX runtime; about 1e-5 from the exact result because
     * the grid is normalized to [-1, 1] in float32.
     */
    PORTABLE,
    /**
     * An exact depthwise {@code (2r+1) x (2r+1)} Conv holding each channel's four bilinear taps,
     * with padding r; r is the smallest integer with {@code |shift| <= r}. Runs on ONNX
     * Runtime's fast conv paths without the custom library.
     */
    DEPTHWISE;

    /**
     * The lowercase name stored in metadata.
     *
     * @return {@code custom}, {@code portable} or {@code depthwise}
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@link #id()} (case-insensitive).
     *
     * @param text the name
     * @return the lowering
     * @throws IllegalArgumentException for an unknown name, listing the valid ones
     */
    public static AslLowering parse(String text) {
        for (AslLowering l : values()) {
            if (l.id().equalsIgnoreCase(text.trim())) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown ASL lowering '" + text + "' (use custom, portable or depthwise)");
    }
}
