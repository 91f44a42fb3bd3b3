package dev.asnet.exporter.ir;

/** Element types the IR supports, with their ONNX {@code TensorProto.DataType} codes. */
public enum DataType {
    /** 32-bit IEEE float. */
    FLOAT(1, 4),
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
        throw new IllegalArgumentException("unsupported ONNX element type " + code + " (asnet supports FLOAT and INT64)");
    }
}
