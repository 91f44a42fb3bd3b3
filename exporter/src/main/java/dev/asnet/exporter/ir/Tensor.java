package dev.asnet.exporter.ir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Immutable constant tensor data with a fully known shape: float32, int64, or one of the
 * quantization types uint8, int8 and int32 (held as {@code int} values, range-checked). The arrays
 * handed in are copied, and accessors return copies, so an initializer cannot change behind the
 * graph's back.
 */
public final class Tensor {
    private final DataType type;
    private final long[] dims;
    private final float[] floats;
    private final long[] longs;
    private final int[] ints;

    private Tensor(DataType type, long[] dims, float[] floats, long[] longs) {
        this(type, dims, floats, longs, null);
    }

    private Tensor(DataType type, long[] dims, float[] floats, long[] longs, int[] ints) {
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
        int len = floats != null ? floats.length : longs != null ? longs.length : ints.length;
        if (n != len) {
            throw new IllegalArgumentException("tensor of shape " + Arrays.toString(dims) + " needs " + n
                    + " elements but " + len + " were given");
        }
        this.floats = floats;
        this.longs = longs;
        this.ints = ints;
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
     * A uint8, int8 or int32 tensor.
     *
     * @param type {@link DataType#UINT8}, {@link DataType#INT8} or {@link DataType#INT32}
     * @param data the values in row-major order (copied), each within the type's range
     * @param dims the shape (empty for a scalar)
     * @return the tensor
     * @throws IllegalArgumentException if the type is not one of those or a value is out of range
     */
    public static Tensor ofInts(DataType type, int[] data, long... dims) {
        if (!type.isSmallInteger()) {
            throw new IllegalArgumentException("Tensor.ofInts takes UINT8, INT8 or INT32, not " + type);
        }
        for (int i = 0; i < data.length; i++) {
            if (data[i] < type.minInt() || data[i] > type.maxInt()) {
                throw new IllegalArgumentException("element " + i + " = " + data[i] + " is outside the range of " + type);
            }
        }
        return new Tensor(type, dims, null, null, data.clone());
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
        if (type.isSmallInteger()) {
            int[] v = new int[n];
            for (int i = 0; i < n; i++) {
                v[i] = switch (type) {
                    case UINT8 -> raw[i] & 0xff;
                    case INT8 -> raw[i];
                    default -> b.getInt(4 * i);
                };
            }
            return new Tensor(type, dims, null, null, v);
        }
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
        return floats != null ? floats.length : longs != null ? longs.length : ints.length;
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
     * The values of a uint8, int8 or int32 tensor.
     *
     * @return a copy of the data
     * @throws IllegalStateException if this is not such a tensor
     */
    public int[] ints() {
        if (ints == null) {
            throw new IllegalStateException("tensor is " + type + ", not UINT8, INT8 or INT32");
        }
        return ints.clone();
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
        } else if (longs != null) {
            b.asLongBuffer().put(longs);
        } else if (type == DataType.INT32) {
            b.asIntBuffer().put(ints);
        } else {
            for (int v : ints) {
                b.put((byte) v);
            }
        }
        return b.array();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tensor t && t.type == type && Arrays.equals(t.dims, dims)
                && Arrays.equals(t.floats, floats) && Arrays.equals(t.longs, longs) && Arrays.equals(t.ints, ints);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + (floats != null ? Arrays.hashCode(floats)
                : longs != null ? Arrays.hashCode(longs) : Arrays.hashCode(ints));
    }

    @Override
    public String toString() {
        return type + Arrays.toString(dims);
    }
}
