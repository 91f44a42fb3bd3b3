package dev.asnet.exporter;

import dev.asnet.exporter.testing.ModelFuzzer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.count.Cost;
import dev.asnet.exporter.count.CostCounter;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.export.InferenceExport;
import dev.asnet.exporter.io.OnnxReader;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.IrException;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.TensorProto;
import dev.asnet.shaded.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OnnxReader on mutated models: a model or a documented exception, quickly, never anything else. */
class OnnxReaderFuzzTest {
    static List<byte[]> seeds() {
        List<byte[]> seeds = new ArrayList<>();
        seeds.add(OnnxWriter.toBytes(RoundTripTest.smallNet()));
        for (AslLowering l : AslLowering.values()) {
            seeds.add(OnnxWriter.toBytes(InferenceExport.prepare(RoundTripTest.smallNet(), ExportOptions.of(l))));
        }
        return seeds;
    }

    @Test
    void mutatedModelsGiveAModelOrADocumentedException() throws Exception {
        ModelFuzzer.Stats s = new ModelFuzzer(seeds(), 20240611L).run(bytes -> {
            CostCounter.count(OnnxReader.read(bytes).graph());
        }, 3000, 2000, InvalidProtocolBufferException.class, IrException.class);
        System.out.println("OnnxReader fuzz: " + s);
        assertTrue(s.inputs() > 100, "too few inputs: " + s);
        assertTrue(s.refused() > 0 && s.accepted() > 0, s.toString());
    }

    @Test
    void hugeLengthFieldsAreRefusedBeforeAllocating() {
        // A raw_data length of 2^31-1 with a few bytes behind it: refused, no 2 GB array.
        byte[] model = OnnxWriter.toBytes(RoundTripTest.smallNet());
        byte[] evil = java.util.Arrays.copyOf(model, model.length + 6);
        evil[model.length] = (byte) ((7 << 3) | 2); // field 7 (graph), length-delimited
        evil[model.length + 1] = (byte) 0xFF;
        evil[model.length + 2] = (byte) 0xFF;
        evil[model.length + 3] = (byte) 0xFF;
        evil[model.length + 4] = (byte) 0xFF;
        evil[model.length + 5] = (byte) 0x07;
        InvalidProtocolBufferException e = assertThrows(InvalidProtocolBufferException.class, () -> OnnxReader.read(evil));
        assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("too large"), e.getMessage());
    }

    @Test
    void absurdDimensionsDoNotWrapCounts() {
        assertEquals(Long.MAX_VALUE, Shape.of(1L << 40, 1L << 40).numElements(1));
        assertEquals(0, Shape.of(1L << 40, 1L << 40, 0).numElements(1));
        assertEquals(CostCounter.SATURATED, CostCounter.times(1L << 40, 1L << 40));
        assertEquals(CostCounter.SATURATED, CostCounter.plus(Long.MAX_VALUE - 1, 2));
        assertEquals(12, CostCounter.times(3, 4));
        // 2^32 x 2^32 wraps to 0, which would match an empty tensor.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.ofFloats(new float[0], 1L << 32, 1L << 32));
        assertTrue(e.getMessage().contains("more elements than a long"), e.getMessage());
        ModelProto.Builder b = ModelProto.newBuilder(parse(OnnxWriter.toBytes(RoundTripTest.smallNet())));
        b.getGraphBuilder().getInitializerBuilder(0).clearDims().addDims(1L << 32).addDims(1L << 32)
                .clearRawData().clearFloatData();
        IrException ir = assertThrows(IrException.class, () -> OnnxReader.fromProto(b.build()));
        assertTrue(ir.getMessage().contains("more elements than a long"), ir.getMessage());
    }

    @Test
    void macCountsSaturateInsteadOfWrapping() {
        // A 1x1 conv over a huge image: the counted MACs are far beyond a long.
        dev.asnet.exporter.ir.Graph g = new dev.asnet.exporter.ir.Graph("huge", dev.asnet.exporter.ops.OpRegistry.standard());
        dev.asnet.exporter.ops.GraphBuilder b = new dev.asnet.exporter.ops.GraphBuilder(g);
        var x = b.input("x", dev.asnet.exporter.ir.DataType.FLOAT, Shape.of(1, 4, 1L << 31, 1L << 31));
        var w = b.parameter("w", Tensor.ofFloats(new float[16 * 4], 16, 4, 1, 1));
        b.output(b.conv("c", x, w, null, dev.asnet.exporter.ops.ConvOptions.builder().build()), "y");
        Cost c = CostCounter.count(g);
        assertEquals(CostCounter.SATURATED, c.macs());
        assertEquals(64, c.params());
    }

    @Test
    void externalDataIsRefusedNotReadAsEmpty() {
        ModelProto.Builder b = ModelProto.newBuilder(parse(OnnxWriter.toBytes(RoundTripTest.smallNet())));
        b.getGraphBuilder().getInitializerBuilder(0).clearRawData().clearFloatData()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL);
        IrException e = assertThrows(IrException.class, () -> OnnxReader.fromProto(b.build()));
        assertTrue(e.getMessage().contains("external file"), e.getMessage());
    }

    private static ModelProto parse(byte[] bytes) {
        try {
            return ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }
}
