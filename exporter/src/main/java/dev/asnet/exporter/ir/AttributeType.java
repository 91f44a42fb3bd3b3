package dev.asnet.exporter.ir;

/** Attribute types the IR supports, with their ONNX {@code AttributeProto.AttributeType} codes. */
public enum AttributeType {
    /** One float. */
    FLOAT(1),
    /** One int64. */
    INT(2),
    /** One UTF-8 string. */
    STRING(3),
    /** A list of floats. */
    FLOATS(6),
    /** A list of int64. */
    INTS(7);

    private final int onnxCode;

    AttributeType(int onnxCode) {
        this.onnxCode = onnxCode;
    }

    /**
     * The ONNX code.
     *
     * @return the {@code AttributeProto.AttributeType} number
     */
    public int onnxCode() {
        return onnxCode;
    }

    /**
     * Looks up a type by its ONNX code.
     *
     * @param code the {@code AttributeProto.AttributeType} number
     * @return the type
     * @throws IrException for attribute types asnet does not support
     */
    public static AttributeType fromOnnx(int code) {
        for (AttributeType t : values()) {
            if (t.onnxCode == code) {
                return t;
            }
        }
        throw new IrException("unsupported ONNX attribute type " + code);
    }
}
