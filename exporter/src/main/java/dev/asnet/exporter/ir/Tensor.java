package dev.asnet.exporter.ir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Immutable constant tensor data with a fully known shape: float32 or int64. The arrays handed in
 * are copied, and accessors return copies, so an initializer cannot change behind the graph's
 * back.
 */
public final class Tensor {
    private final DataType type;
    private final long[] dims;
    private final float[] floats;
    private final long[] longs;

    private Tensor(DataType type, long[] dims, float[] floats, long[] longs) {
        this.type = type;
        this.dims = dims.clone();
        long n = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor dimensions must be >= 0, got " + Arrays.toString(dims));
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException e) {
                // A wrapped product could match the data's length and let absurd dimensions through.
                throw new IllegalArgumentException("tensor of shape " + Arrays.toString(dims)
                        + " has more elements than a long can count");
            }
        }
        int len = floats != null ? floats.length : longs.length;
        if (n != len) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(dims) + " needs " + n
                    + " elements but " + len + " were given");
        }
        this.floats = floats;
        this.longs = longs;
    }

    /**
     * A float32 tensor.
     *
     * @param data the values in row-major order (copied)
     * @param dims the shape (empty for a scalar)
     * @return the tensor
     */
    public static Tensor ofFloats(float[] data, long... dims) {
        return new Tensor(DataType.FLOAT, dims, data.clone(), null);
    }

    /**
     * An int64 tensor.
     *
     * @param data the values in row-major order (copied)
     * @param dims the shape (empty for a scalar)
     * @return the tensor
     */
    public static Tensor ofLongs(long[] data, long... dims) {
        return new Tensor(DataType.INT64, dims, null, data.clone());
    }

    /**
     * A float32 scalar (rank 0).
     *
     * @param v the value
     * @return the tensor
     */
    public static Tensor scalar(float v) {
        return ofFloats(new float[] {v});
    }

    /**
     * Decodes ONNX {@code raw_data} (little-endian).
     *
     * @param type the element type
     * @param raw the bytes
     * @param dims the shape
     * @return the tensor
     */
    public static Tensor fromRawData(DataType type, byte[] raw, long... dims) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        if (raw.length % type.byteSize() != 0) {
            throw new IllegalArgumentException("raw_data of " + raw.length + " bytes is not a whole number of "
                    + type + " elements");
        }
        int n = raw.length / type.byteSize();
        if (type == DataType.FLOAT) {
            float[] f = new float[n];
            b.asFloatBuffer().get(f);
            return new Tensor(type, dims, f, null);
        }
        long[] l = new long[n];
        b.asLongBuffer().get(l);
        return new Tensor(type, dims, null, l);
    }

    /**
     * The element type.
     *
     * @return the type
     */
    public DataType type() {
        return type;
    }

    /**
     * The shape.
     *
     * @return the shape (fully known)
     */
    public Shape shape() {
        return Shape.of(dims);
    }

    /**
     * The dimensions.
     *
     * @return a copy of the sizes
     */
    public long[] dims() {
        return dims.clone();
    }

    /**
     * Number of elements.
     *
     * @return the element count
     */
    public int size() {
        return floats != null ? floats.length : longs.length;
    }

    /**
     * The float values.
     *
     * @return a copy of the data
     * @throws IllegalStateException if this is not a float tensor
     */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException("tensor is " + type + ", not FLOAT");
        }
        return floats.clone();
    }

    /**
     * The int64 values.
     *
     * @return a copy of the data
     * @throws IllegalStateException if this is not an int64 tensor
     */
    public long[] longs() {
        if (longs == null) {
            throw new IllegalStateException("tensor is " + type + ", not INT64");
        }
        return longs.clone();
    }

    /**
     * One float element without copying the data.
     *
     * @param i the flat index
     * @return the value
     */
    public float floatAt(int i) {
        return floats[i];
    }

    /**
     * The data as ONNX {@code raw_data}: little-endian, row-major.
     *
     * @return the bytes
     */
    public byte[] toRawData() {
        ByteBuffer b = ByteBuffer.allocate(size() * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        if (floats != null) {
            b.asFloatBuffer().put(floats);
        } else {
            b.asLongBuffer().put(longs);
        }
        return b.array();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && t.type == type && Arrays.equals(t.dims, dims)
                && Arrays.equals(t.floats, floats) && Arrays.equals(t.longs, longs);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + (floats != null ? Arrays.hashCode(floats) : Arrays.hashCode(longs));
    }

    @Override
    public String toString() {
        return type + Arrays.toString(dims);
    }
}
