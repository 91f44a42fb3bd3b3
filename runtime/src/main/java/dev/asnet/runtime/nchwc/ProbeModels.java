package dev.asnet.runtime.nchwc;

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

/** Tiny one-node models that ask ONNX Runtime and the op library what this process supports. */
final class ProbeModels {
    /** Channels of the probes: a multiple of every candidate block size. */
    static final int CHANNELS = 64;

    private ProbeModels() {}

    /**
     * {@code y = Conv(x, W)}, x {@code [1, 64, 4, 4]}, W {@code [64, 64, 1, 1]} with distinct values:
     * ONNX Runtime turns it into an NCHWc convolution whose reordered weights tell the block size.
     *
     * @return the model
     */
    static ModelProto conv() {
        float[] w = new float[CHANNELS * CHANNELS];
        for (int i = 0; i < w.length; i++) {
            w[i] = i + 1; // distinct, so each block size gives a different order
        }
        NodeProto conv = NodeProto.newBuilder().setName("probe_conv").setOpType("Conv")
                .addInput("x").addInput("w").addOutput("y").build();
        GraphProto g = GraphProto.newBuilder().setName("nchwc_probe").addNode(conv)
                .addInitializer(floats("w", w, CHANNELS, CHANNELS, 1, 1))
                .addInput(value("x", 1, CHANNELS, 4, 4)).addOutput(value("y", 1, CHANNELS, 4, 4)).build();
        return model(g, false);
    }

    /**
     * One {@code ActiveShiftNchwc} node on a blocked tensor {@code [1, 64, 2, 2]}, block size 16,
     * zero shifts: the session can be created only when the op library registers the op.
     *
     * @return the model
     */
    static ModelProto activeShiftNchwc() {
        NodeProto n = NodeProto.newBuilder().setName("probe_asl").setDomain(AsnetDomain.DOMAIN)
                .setOpType(NchwcOps.ACTIVE_SHIFT_NCHWC).addInput("x").addInput("shift").addOutput("y")
                .addAttribute(AttributeProto.newBuilder().setName(AsnetDomain.STRIDES)
                        .setType(AttributeProto.AttributeType.INTS).addInts(1).addInts(1))
                .addAttribute(AttributeProto.newBuilder().setName(NchwcOps.BLOCK_SIZE)
                        .setType(AttributeProto.AttributeType.INT).setI(16))
                .build();
        GraphProto g = GraphProto.newBuilder().setName("active_shift_nchwc_probe").addNode(n)
                .addInitializer(floats("shift", new float[CHANNELS * 2], CHANNELS, 2))
                .addInput(value("x", 1, CHANNELS, 2, 2)).addOutput(value("y", 1, CHANNELS, 2, 2)).build();
        return model(g, true);
    }

    private static ModelProto model(GraphProto g, boolean asnet) {
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(8).setProducerName("asnet-nchwc-probe")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(g);
        if (asnet) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(AsnetDomain.DOMAIN)
                    .setVersion(AsnetDomain.VERSION));
        }
        return m.build();
    }

    static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name)
                .setDataType(TensorProto.DataType.FLOAT_VALUE).setRawData(ByteString.copyFrom(b.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    static ValueInfoProto value(String name, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(s))).build();
    }
}
