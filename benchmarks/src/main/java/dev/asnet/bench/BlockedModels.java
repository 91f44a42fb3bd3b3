package dev.asnet.bench;

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
 * One-node models on ONNX Runtime's blocked NCHWc tensors, for {@link OpBenchmark}. They use ops
 * outside the exporter's op registry ({@code com.microsoft.nchwc}), so they are written with the
 * ONNX protobuf classes directly. A blocked tensor of C channels (a multiple of the block size) has
 * the NCHW shape {@code [N, C, H, W]}; only the order of its elements differs, which a timing does
 * not see.
 */
final class BlockedModels {
    /** ONNX Runtime's domain of its blocked-layout ops. */
    static final String NCHWC = "com.microsoft.nchwc";

    private BlockedModels() {}

    /** {@code dev.asnet:ActiveShiftNchwc(X, shift) -> Y}, unit strides. */
    static byte[] activeShift(long[] s, int block) {
        return model(activeShiftNode(block), s, true, null);
    }

    /**
     * {@code dev.asnet:ActiveShiftNchwc(X, shift) -> Y} with the shift an initializer, as in every
     * model that runs inference (the op then plans its blocks once, when the session is created).
     */
    static byte[] activeShiftConstant(long[] s, int block, float[] shift) {
        return model(activeShiftNode(block), s, false, floats("shift", shift, s[1], 2));
    }

    private static NodeProto.Builder activeShiftNode(int block) {
        return NodeProto.newBuilder().setName("asl").setDomain(AsnetDomain.DOMAIN).setOpType(AsnetDomain.ACTIVE_SHIFT_NCHWC)
                .addInput("X").addInput("shift").addOutput("Y").addAttribute(ints(AsnetDomain.STRIDES, 1, 1))
                .addAttribute(integer(AsnetDomain.BLOCK_SIZE, block));
    }

    /** Relu on the blocked tensor (elementwise: the layout does not matter to it). */
    static byte[] relu(long[] s) {
        return model(NodeProto.newBuilder().setName("relu").setOpType("Relu").addInput("X").addOutput("Y"), s, false,
                null);
    }

    /**
     * ONNX Runtime's NCHWc depthwise 3x3 conv (padding 1), as its NCHWc transformer writes it: the
     * Conv attributes of the NCHW node and weights {@code [C, 1, 3, 3]} in its blocked filter order
     * (here random values: only the cost is measured).
     */
    static byte[] depthwise3x3(long[] s, float[] weights) {
        long c = s[1];
        TensorProto w = floats("W", weights, c, 1, 3, 3);
        return model(NodeProto.newBuilder().setName("dw").setDomain(NCHWC).setOpType("Conv").addInput("X").addInput("W")
                .addOutput("Y").addAttribute(integer("group", c)).addAttribute(ints("kernel_shape", 3, 3))
                .addAttribute(ints("pads", 1, 1, 1, 1)).addAttribute(ints("strides", 1, 1)), s, false, w);
    }

    /** {@code com.microsoft.nchwc:ReorderInput} of X [1, 4, 1, 1] (to learn the block size). */
    static byte[] reorderInput() {
        return model(NodeProto.newBuilder().setName("reorder").setDomain(NCHWC).setOpType("ReorderInput")
                .addInput("X").addOutput("Y"), new long[] {1, 4, 1, 1}, false, null);
    }

    private static byte[] model(NodeProto.Builder node, long[] s, boolean shiftInput, TensorProto initializer) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("blocked_op").addInput(value("X", s)).addOutput(value("Y"))
                .addNode(node);
        if (shiftInput) {
            g.addInput(value("shift", s[1], 2));
        }
        if (initializer != null) {
            g.addInitializer(initializer);
        }
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("asnet-bench")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(NCHWC).setVersion(1))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(AsnetDomain.DOMAIN).setVersion(AsnetDomain.VERSION))
                .setGraph(g).build().toByteArray();
    }

    private static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        return t.setRawData(ByteString.copyFrom(raw.array())).build();
    }

    private static ValueInfoProto value(String name, long... dims) {
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE);
        if (dims.length > 0) {
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (long d : dims) {
                shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
            }
            t.setShape(shape);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }
}
