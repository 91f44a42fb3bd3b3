package dev.asnet.exporter.ir;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable node attribute: a name, an {@link AttributeType} and the value. Values are held as
 * {@code Long}, {@code long[]}, {@code Float}, {@code float[]} or {@code String}.
 */
public final class Attribute {
    private final String name;
    private final AttributeType type;
    private final Object value;

    private Attribute(String name, AttributeType type, Object value) {
        if (name == null || name.isEmpty()) {
            throw new IrException("attribute needs a non-empty name");
        }
        this.name = name;
        this.type = type;
        this.value = value;
    }

    /**
     * An INT attribute.
     *
     * @param name the name
     * @param v the value
     * @return the attribute
     */
    public static Attribute ofInt(String name, long v) {
        return new Attribute(name, AttributeType.INT, v);
    }

    /**
     * An INTS attribute.
     *
     * @param name the name
     * @param v the values (copied)
     * @return the attribute
     */
    public static Attribute ofInts(String name, long... v) {
        return new Attribute(name, AttributeType.INTS, v.clone());
    }

    /**
     * A FLOAT attribute.
     *
     * @param name the name
     * @param v the value
     * @return the attribute
     */
    public static Attribute ofFloat(String name, float v) {
        return new Attribute(name, AttributeType.FLOAT, v);
    }

    /**
     * A FLOATS attribute.
     *
     * @param name the name
     * @param v the values (copied)
     * @return the attribute
     */
    public static Attribute ofFloats(String name, float... v) {
        return new Attribute(name, AttributeType.FLOATS, v.clone());
    }

    /**
     * A STRING attribute.
     *
     * @param name the name
     * @param v the value
     * @return the attribute
     */
    public static Attribute ofString(String name, String v) {
        return new Attribute(name, AttributeType.STRING, Objects.requireNonNull(v));
    }

    /**
     * The name.
     *
     * @return the attribute name
     */
    public String name() {
        return name;
    }

    /**
     * The type.
     *
     * @return the attribute type
     */
    public AttributeType type() {
        return type;
    }

    /**
     * The INT value.
     *
     * @return the value
     */
    public long asInt() {
        check(AttributeType.INT);
        return (Long) value;
    }

    /**
     * The INTS value.
     *
     * @return a copy of the values
     */
    public long[] asInts() {
        check(AttributeType.INTS);
        return ((long[]) value).clone();
    }

    /**
     * The FLOAT value.
     *
     * @return the value
     */
    public float asFloat() {
        check(AttributeType.FLOAT);
        return (Float) value;
    }

    /**
     * The FLOATS value.
     *
     * @return a copy of the values
     */
    public float[] asFloats() {
        check(AttributeType.FLOATS);
        return ((float[]) value).clone();
    }

    /**
     * The STRING value.
     *
     * @return the value
     */
    public String asString() {
        check(AttributeType.STRING);
        return (String) value;
    }

    private void check(AttributeType expected) {
        if (type != expected) {
            throw new IrException("attribute '" + name + "' is " + type + ", not " + expected);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Attribute a) || !a.name.equals(name) || a.type != type) {
            return false;
        }
        return switch (type) {
            case INTS -> Arrays.equals((long[]) a.value, (long[]) value);
            case FLOATS -> Arrays.equals((float[]) a.value, (float[]) value);
            default -> a.value.equals(value);
        };
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type);
    }

    /** Prints like {@code strides=[2, 2]}. */
    @Override
    public String toString() {
        String v = switch (type) {
            case INTS -> Arrays.toString((long[]) value);
            case FLOATS -> Arrays.toString((float[]) value);
            case STRING -> "\"" + value + "\"";
            default -> value.toString();
        };
        return name + "=" + v;
    }
}
