package dev.asnet.exporter.ir;

/**
 * What an initializer is for. Training updates {@link #PARAMETER}s only; parameter counts count
 * only them. The role is written into the initializer's {@code doc_string} so it survives a round
 * trip through ONNX.
 */
public enum InitializerRole {
    /** A learned weight: conv/FC weights and biases, BN scale and shift, ASL shifts. */
    PARAMETER,
    /** Learned state that is not a gradient-trained weight, such as BN running mean and variance. */
    BUFFER,
    /** A fixed constant: reshape targets, clip bounds, fixed integer shifts, sampling grids. */
    CONSTANT;

    /**
     * The text stored in the initializer's doc string.
     *
     * @return {@code "asnet:parameter"} and so on
     */
    public String docString() {
        return "asnet:" + name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Parses a doc string written by {@link #docString()}.
     *
     * @param doc the doc string (may be null or empty)
     * @param fallback the role to use when the doc string names none
     * @return the role
     */
    public static InitializerRole fromDocString(String doc, InitializerRole fallback) {
        for (InitializerRole r : values()) {
            if (r.docString().equals(doc)) {
                return r;
            }
        }
        return fallback;
    }
}
