package dev.asnet.exporter.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** An immutable tensor shape of known rank; each {@link Dim} may be known, symbolic or unknown. */
public final class Shape {
    private final List<Dim> dims;

    private Shape(List<Dim> dims) {
        this.dims = List.copyOf(dims);
    }

    /**
     * A shape from dimensions.
     *
     * @param dims the dimensions, outermost first
     * @return the shape
     */
    public static Shape of(Dim... dims) {
        return new Shape(Arrays.asList(dims));
    }

    /**
     * A shape from dimensions.
     *
     * @param dims the dimensions, outermost first
     * @return the shape
     */
    public static Shape of(List<Dim> dims) {
        return new Shape(dims);
    }

    /**
     * A fully known shape.
     *
     * @param dims the sizes, outermost first
     * @return the shape
     */
    public static Shape of(long... dims) {
        List<Dim> list = new ArrayList<>(dims.length);
        for (long d : dims) {
            list.add(Dim.of(d));
        }
        return new Shape(list);
    }

    /**
     * A shape whose first dimension is the symbol {@code batch} and the rest known sizes.
     *
     * @param batch the batch symbol, such as {@code "N"}
     * @param rest the remaining sizes
     * @return the shape
     */
    public static Shape batched(String batch, long... rest) {
        List<Dim> list = new ArrayList<>(rest.length + 1);
        list.add(Dim.symbolic(batch));
        for (long d : rest) {
            list.add(Dim.of(d));
        }
        return new Shape(list);
    }

    /**
     * The rank.
     *
     * @return the number of dimensions
     */
    public int rank() {
        return dims.size();
    }

    /**
     * One dimension; negative indexes count from the end.
     *
     * @param i the axis
     * @return the dimension
     */
    public Dim dim(int i) {
        return dims.get(i < 0 ? dims.size() + i : i);
    }

    /**
     * All dimensions.
     *
     * @return an unmodifiable list
     */
    public List<Dim> dims() {
        return dims;
    }

    /**
     * Whether every dimension has a known size.
     *
     * @return true when fully known
     */
    public boolean isFullyKnown() {
        return dims.stream().allMatch(Dim::isKnown);
    }

    /**
     * The known sizes.
     *
     * @return the sizes
     * @throws IllegalStateException if a dimension is not known
     */
    public long[] toArray() {
        long[] out = new long[dims.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = dims.get(i).value();
        }
        return out;
    }

    /**
     * Number of elements; unknown and symbolic dimensions count as {@code unknownAs}. A count too
     * large for a {@code long} (absurd dimensions in a model read from a file) is
     * {@link Long#MAX_VALUE} rather than a wrapped, possibly negative, number.
     *
     * @param unknownAs the size to assume for dimensions that are not known ({@code >= 0})
     * @return the element count, saturated at {@link Long#MAX_VALUE}
     */
    public long numElements(long unknownAs) {
        long n = 1;
        boolean saturated = false;
        for (Dim d : dims) {
            long v = d.isKnown() ? d.value() : unknownAs;
            if (v == 0) {
                return 0;
            }
            if (!saturated) {
                try {
                    n = Math.multiplyExact(n, v);
                } catch (ArithmeticException e) {
                    saturated = true;
                }
            }
        }
        return saturated ? Long.MAX_VALUE : n;
    }

    /**
     * A copy with one dimension replaced.
     *
     * @param i the axis
     * @param d the new dimension
     * @return the new shape
     */
    public Shape with(int i, Dim d) {
        List<Dim> list = new ArrayList<>(dims);
        list.set(i, d);
        return new Shape(list);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && s.dims.equals(dims);
    }

    @Override
    public int hashCode() {
        return dims.hashCode();
    }

    /** Prints like {@code [N, 3, 224, 224]}. */
    @Override
    public String toString() {
        return dims.toString();
    }
}
