package dev.asnet.runtime;

import java.util.Arrays;
import java.util.Objects;

/**
 * A graph input or output as the model declares it: name, element type and shape, where a
 * dimension may be symbolic (such as the batch size {@code N}) or unknown.
 */
public final class ValueSpec {
    private final String name;
    private final String elementType;
    private final long[] dims;
    private final String[] dimNames;

    /**
     * Creates a spec.
     *
     * @param name the value's name
     * @param elementType the element type in ONNX spelling, such as {@code float}
     * @param dims the dimensions, -1 where not fixed
     * @param dimNames the symbol of each dimension that has one, otherwise null
     */
    public ValueSpec(String name, String elementType, long[] dims, String[] dimNames) {
        this.name = Objects.requireNonNull(name, "name");
        this.elementType = Objects.requireNonNull(elementType, "elementType");
        if (dims.length != dimNames.length) {
            throw new IllegalArgumentException("dims and dimNames differ in length");
        }
        this.dims = dims.clone();
        this.dimNames = dimNames.clone();
    }

    /**
     * The value's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The element type in ONNX spelling ({@code float}, {@code int64}, ...).
     *
     * @return the type
     */
    public String elementType() {
        return elementType;
    }

    /**
     * The dimensions, -1 for those not fixed.
     *
     * @return a copy of the dimensions
     */
    public long[] dims() {
        return dims.clone();
    }

    /**
     * The number of dimensions.
     *
     * @return the rank
     */
    public int rank() {
        return dims.length;
    }

    /**
     * Whether the first dimension is free (symbolic or unknown), as a batch dimension is.
     *
     * @return true when the value takes any batch size
     */
    public boolean hasDynamicBatch() {
        return dims.length > 0 && dims[0] < 0;
    }

    /**
     * Whether a concrete shape fits this spec: same rank, and every fixed dimension equal.
     *
     * @param shape the concrete shape
     * @return true if it fits
     */
    public boolean accepts(long[] shape) {
        if (shape.length != dims.length) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] >= 0 && dims[i] != shape[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The shape as text, symbols by name and unknown dimensions as {@code ?}, such as
     * {@code [N, 1, 28, 28]}.
     *
     * @return the text
     */
    public String shapeText() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : ", ");
            sb.append(dims[i] >= 0 ? Long.toString(dims[i]) : dimNames[i] != null ? dimNames[i] : "?");
        }
        return sb.append(']').toString();
    }

    @Override
    public String toString() {
        return name + ": " + elementType + shapeText();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValueSpec v && name.equals(v.name) && elementType.equals(v.elementType)
                && Arrays.equals(dims, v.dims) && Arrays.equals(dimNames, v.dimNames);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, elementType, Arrays.hashCode(dims));
    }
}
