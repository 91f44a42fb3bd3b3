package dev.asnet.exporter.ir;

import java.util.Objects;

/**
 * One dimension of a {@link Shape}: a known size, a named symbol (such as the batch dimension
 * {@code "N"}) or unknown.
 */
public final class Dim {
    private static final Dim UNKNOWN = new Dim(-1, null);

    private final long value;
    private final String symbol;

    private Dim(long value, String symbol) {
        this.value = value;
        this.symbol = symbol;
    }

    /**
     * A dimension of known size.
     *
     * @param value the size, {@code >= 0}
     * @return the dimension
     */
    public static Dim of(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("dimension must be >= 0, got " + value);
        }
        return new Dim(value, null);
    }

    /**
     * A symbolic dimension: unknown size, but equal wherever the same symbol appears.
     *
     * @param symbol a non-empty name such as {@code "N"}
     * @return the dimension
     */
    public static Dim symbolic(String symbol) {
        if (symbol == null || symbol.isEmpty()) {
            throw new IllegalArgumentException("symbolic dimension needs a non-empty name");
        }
        return new Dim(-1, symbol);
    }

    /**
     * A dimension about which nothing is known.
     *
     * @return the unknown dimension
     */
    public static Dim unknown() {
        return UNKNOWN;
    }

    /**
     * Whether the size is known.
     *
     * @return true for a fixed size
     */
    public boolean isKnown() {
        return value >= 0;
    }

    /**
     * Whether this is a named symbol.
     *
     * @return true for a symbolic dimension
     */
    public boolean isSymbolic() {
        return symbol != null;
    }

    /**
     * The size.
     *
     * @return the size
     * @throws IllegalStateException if the size is not known
     */
    public long value() {
        if (value < 0) {
            throw new IllegalStateException("dimension " + this + " has no fixed size");
        }
        return value;
    }

    /**
     * The symbol's name, or null when this is not symbolic.
     *
     * @return the symbol or null
     */
    public String symbol() {
        return symbol;
    }

    /**
     * Whether two dimensions are provably equal (same known size or same symbol).
     *
     * @param other another dimension
     * @return true when equal for every input
     */
    public boolean sameAs(Dim other) {
        return equals(other) && (isKnown() || isSymbolic());
    }

    /**
     * Whether two dimensions may be equal (one of them unknown or symbolic counts as possibly
     * equal).
     *
     * @param other another dimension
     * @return false only when both sizes are known and differ
     */
    public boolean compatible(Dim other) {
        return !isKnown() || !other.isKnown() || value == other.value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dim d && d.value == value && Objects.equals(d.symbol, symbol);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value, symbol);
    }

    /** Prints the size, the symbol, or {@code ?}. */
    @Override
    public String toString() {
        return isKnown() ? Long.toString(value) : symbol != null ? symbol : "?";
    }
}
