package dev.asnet.ops.testing;

import dev.asnet.exporter.onnx.Onnx.AttributeProto;
import dev.asnet.exporter.onnx.Onnx.GraphProto;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.onnx.Onnx.OperatorSetIdProto;
import dev.asnet.exporter.onnx.Onnx.TensorProto;
import dev.asnet.exporter.onnx.Onnx.TensorShapeProto;
import dev.asnet.exporter.onnx.Onnx.TypeProto;
import dev.asnet.exporter.onnx.Onnx.ValueInfoProto;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.shaded.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds an ONNX model holding one node, for op-level tests and benchmarks.
 *
 * <p>Dimensions are given as objects: a {@code Long}/{@code Integer} is a fixed size, a
 * {@code String} a symbolic one, and a {@code null} shape leaves the rank unknown.
 *
 * <pre>{@code
 * byte[] model = OneNodeModel.op(AsnetDomain.DOMAIN, "ActiveShift")
 *     .input("X", FLOAT, "N", "C", "H", "W").input("shift", FLOAT, "C", 2)
 *     .output("Y", FLOAT).ints("strides", 2, 2).bytes();
 * }</pre>
 */
public final class OneNodeModel {
    /** ONNX element type of float32. */
    public static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
    /** ONNX element type of float64. */
    public static final int DOUBLE = TensorProto.DataType.DOUBLE_VALUE;
    /** ONNX element type code of uint8. */
    public static final int UINT8 = TensorProto.DataType.UINT8_VALUE;
    /** ONNX element type code of int32. */
    public static final int INT32 = TensorProto.DataType.INT32_VALUE;

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("one_node");
    private final NodeProto.Builder node = NodeProto.newBuilder().setName("node");
    private final String domain;

    private OneNodeModel(String domain, String opType) {
        this.domain = domain;
        node.setDomain(domain).setOpType(opType);
    }

    /**
     * Starts a model around one op.
     *
     * @param domain the op's domain ("" for standard ONNX)
     * @param opType the op type
     * @return a builder
     */
    public static OneNodeModel op(String domain, String opType) {
        return new OneNodeModel(domain, opType);
    }

    /** The ActiveShift forward op with inputs X [N,C,H,W] and shift [C,2], all symbolic. */
    public static OneNodeModel activeShift(long sh, long sw) {
        return op(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT)
                .input("X", FLOAT, "N", "C", "H", "W").input("shift", FLOAT, "C", 2L)
                .output("Y", FLOAT).ints(AsnetDomain.STRIDES, sh, sw);
    }

    /** The ActiveShiftGrad op with inputs dY, X, shift and outputs dX, dShift, all symbolic. */
    public static OneNodeModel activeShiftGrad(long sh, long sw) {
        return op(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT_GRAD)
                .input("dY", FLOAT, "N", "C", "OH", "OW").input("X", FLOAT, "N", "C", "H", "W")
                .input("shift", FLOAT, "C", 2L).output("dX", FLOAT).output("dShift", FLOAT)
                .ints(AsnetDomain.STRIDES, sh, sw);
    }

    /** Adds a graph input (a {@code null} dims array leaves the rank unknown). */
    public OneNodeModel input(String name, int elemType, Object... dims) {
        graph.addInput(valueInfo(name, elemType, dims));
        node.addInput(name);
        return this;
    }

    /** Adds a float initializer feeding the node. */
    public OneNodeModel initializer(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        node.addInput(name);
        return this;
    }

    /**
     * Adds an initializer of any element type feeding the node.
     *
     * @param name the value's name
     * @param elemType a {@code TensorProto.DataType} number
     * @param raw the elements, little-endian
     * @param overridable also declare it as a graph input (ONNX Runtime then lets a run feed another
     *     value, so it is not a constant of the graph)
     * @param dims its shape
     * @return this builder
     */
    public OneNodeModel initializer(String name, int elemType, byte[] raw, boolean overridable, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(elemType)
                .setRawData(ByteString.copyFrom(raw));
        Object[] shape = new Object[dims.length];
        for (int i = 0; i < dims.length; i++) {
            t.addDims(dims[i]);
            shape[i] = dims[i];
        }
        graph.addInitializer(t);
        if (overridable) {
            graph.addInput(valueInfo(name, elemType, shape));
        }
        node.addInput(name);
        return this;
    }

    /** Adds a graph output with unknown shape. */
    public OneNodeModel output(String name, int elemType) {
        graph.addOutput(valueInfo(name, elemType, (Object[]) null));
        node.addOutput(name);
        return this;
    }

    /** Adds an INTS attribute. */
    public OneNodeModel ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        node.addAttribute(a);
        return this;
    }

    /** Adds an INT attribute. */
    public OneNodeModel integer(String name, long value) {
        node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value));
        return this;
    }

    /** Adds a FLOAT attribute. */
    public OneNodeModel real(String name, float value) {
        node.addAttribute(AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value));
        return this;
    }

    /** Adds a FLOATS attribute. */
    public OneNodeModel floats(String name, float... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOATS);
        for (float v : values) {
            a.addFloats(v);
        }
        node.addAttribute(a);
        return this;
    }

    /** Serializes the model (opset 17 plus dev.asnet 1 when used). */
    public byte[] bytes() {
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(8).setProducerName("asnet-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17));
        if (!domain.isEmpty()) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(AsnetDomain.VERSION));
        }
        return m.setGraph(graph.clone().addNode(node)).build().toByteArray();
    }

    private static ValueInfoProto valueInfo(String name, int elemType, Object[] dims) {
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(elemType);
        if (dims != null) {
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (Object d : dims) {
                TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
                if (d instanceof String s) {
                    dim.setDimParam(s);
                } else {
                    dim.setDimValue(((Number) d).longValue());
                }
                shape.addDim(dim);
            }
            t.setShape(shape);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }
}
