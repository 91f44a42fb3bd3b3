package dev.asnet.exporter.ir;

/**
 * Element types the IR supports, with their ONNX {@code TensorProto.DataType} codes. The 8- and
 * 32-bit integer types exist for quantized (QDQ) models: uint8 activations, int8 weights, int32
 * biases.
 */
public enum DataType {
    /** 32-bit IEEE float. */
    FLOAT(1, 4),
    /** 8-bit unsigned integer: quantized activations and their zero points. */
    UINT8(2, 1),
    /** 8-bit signed integer: quantized weights and their zero points. */
    INT8(3, 1),
    /** 32-bit signed integer: quantized biases. */
    INT32(6, 4),
    /** 64-bit signed integer (shapes, indices). */
    INT64(7, 8);

    private final int onnxCode;
    private final int byteSize;

    DataType(int onnxCode, int byteSize) {
        this.onnxCode = onnxCode;
        this.byteSize = byteSize;
    }

    /**
     * The ONNX element type code.
     *
     * @return the {@code TensorProto.DataType} number
     */
    public int onnxCode() {
        return onnxCode;
    }

    /**
     * Bytes per element.
     *
     * @return the element size in bytes
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Whether the type is one of the 8- or 32-bit integer types held as {@code int} values.
     *
     * @return true for UINT8, INT8 and INT32
     */
    public boolean isSmallInteger() {
        return this == UINT8 || this == INT8 || this == INT32;
    }

    /**
     * The smallest value of an integer type held as {@code int}.
     *
     * @return the minimum
     * @throws IllegalStateException for FLOAT and INT64
     */
    public int minInt() {
        return switch (this) {
            case UINT8 -> 0;
            case INT8 -> Byte.MIN_VALUE;
            case INT32 -> Integer.MIN_VALUE;
            default -> throw new IllegalStateException(this + " is not held as int values");
        };
    }

    /**
     * The largest value of an integer type held as {@code int}.
     *
     * @return the maximum
     * @throws IllegalStateException for FLOAT and INT64
     */
    public int maxInt() {
        return switch (this) {
            case UINT8 -> 255;
            case INT8 -> Byte.MAX_VALUE;
            case INT32 -> Integer.MAX_VALUE;
            default -> throw new IllegalStateException(this + " is not held as int values");
        };
    }

    /**
     * Looks up a type by its ONNX code.
     *
     * @param code a {@code TensorProto.DataType} number
     * @return the matching type
     * @throws IllegalArgumentException if asnet does not support that element type
     */
    public static DataType fromOnnx(int code) {
        for (DataType t : values()) {
            if (t.onnxCode == code) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported ONNX element type " + code + " (asnet supports FLOAT, UINT8, INT8, INT32 and INT64)");
    }
}
