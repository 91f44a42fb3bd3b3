package dev.asnet.runtime;

import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float32 tensor on the Java heap: row-major data and a shape. The data array is shared,
 * not copied, so a caller that keeps modifying it must copy it first.
 */
public final class FloatTensor {
    private final float[] data;
    private final long[] shape;

    private FloatTensor(float[] data, long[] shape) {
        this.data = data;
        this.shape = shape;
    }

    /**
     * Wraps data with a shape.
     *
     * @param data row-major values (not copied)
     * @param shape the dimensions, each >= 0, whose product is {@code data.length}
     * @return the tensor
     * @throws IllegalArgumentException if the shape does not match the data
     */
    public static FloatTensor of(float[] data, long... shape) {
        Objects.requireNonNull(data, "data");
        long[] s = shape.clone();
        long n = elementCount(s);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(s) + " holds " + n
                    + " values but the data has " + data.length);
        }
        return new FloatTensor(data, s);
    }

    /**
     * Number of elements of a shape.
     *
     * @param shape the dimensions, each >= 0
     * @return their product
     * @throws IllegalArgumentException if a dimension is negative or the product overflows an int
     */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large for one array");
            }
        }
        return n;
    }

    /**
     * The values, row-major (shared, not copied).
     *
     * @return the data
     */
    public float[] data() {
        return data;
    }

    /**
     * The dimensions (a copy).
     *
     * @return the shape
     */
    public long[] shape() {
        return shape.clone();
    }

    /**
     * The number of dimensions.
     *
     * @return the rank
     */
    public int rank() {
        return shape.length;
    }

    /**
     * One dimension.
     *
     * @param axis the axis, 0-based
     * @return its extent
     */
    public long dim(int axis) {
        return shape[axis];
    }

    /**
     * The number of values.
     *
     * @return the size
     */
    public int size() {
        return data.length;
    }

    /**
     * The values of item {@code index} along the first axis (for a batch, one sample), copied.
     *
     * @param index the item, in {@code [0, dim(0))}
     * @return its {@code size() / dim(0)} values
     */
    public float[] item(int index) {
        if (shape.length == 0) {
            throw new IllegalStateException("a scalar has no items");
        }
        Objects.checkIndex(index, (int) shape[0]);
        int per = shape[0] == 0 ? 0 : (int) (data.length / shape[0]);
        return Arrays.copyOfRange(data, index * per, (index + 1) * per);
    }

    /**
     * Formats a shape as {@code [1, 3, 224, 224]}.
     *
     * @param shape the shape
     * @return the text
     */
    public static String formatShape(long[] shape) {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return "FloatTensor" + Arrays.toString(shape);
    }
}
