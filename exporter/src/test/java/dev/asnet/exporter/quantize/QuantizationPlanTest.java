package dev.asnet.exporter.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.io.OnnxReader;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.ops.ConvOptions;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.exporter.ops.OpRegistry;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plan's patterns as graph structure: the ASL sandwich and its uint8 switch, Relus, refusals. */
class QuantizationPlanTest {
    /** conv1x1 -> Relu -> ActiveShift -> conv1x1, the AS-ResNet block's middle. */
    static Model shiftBlock() {
        Graph g = new Graph("block", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("x", DataType.FLOAT, Shape.batched("N", 4, 8, 8));
        Value h = b.relu("relu", b.conv("c1", x, b.parameter("w1", Tensor.ofFloats(new float[32], 8, 4, 1, 1)), null,
                ConvOptions.builder().build()));
        Value s = b.activeShift("asl", h, b.parameter("shift", Tensor.ofFloats(new float[16], 8, 2)), 1, 1);
        Value y = b.conv("c2", s, b.parameter("w2", Tensor.ofFloats(new float[32], 4, 8, 1, 1)), null,
                ConvOptions.builder().build());
        b.output(b.flatten("flat", b.globalAveragePool("gap", y), 1), "y");
        return new Model(g);
    }

    static Map<String, TensorRange> ranges(QuantizationPlan p) {
        Map<String, TensorRange> r = new HashMap<>();
        for (String v : p.calibratedValues()) {
            r.put(v, new TensorRange(-1f, 2f));
        }
        r.put("relu_out", new TensorRange(0f, 5f));
        return r;
    }

    static Node node(Model m, String name) {
        return m.graph().nodes().stream().filter(n -> name.equals(n.name())).findFirst().orElseThrow();
    }

    @Test
    void activeShiftRunsInFloatBetweenQdqPairsWithItsInputsParameters() {
        QuantizationPlan plan = QdqQuantizer.plan(shiftBlock(), FLOAT_ASL);
        assertTrue(!plan.calibratedValues().contains("asl_out"), "the shift's output is never calibrated");
        Model q = plan.quantize(ranges(plan), new CalibrationInfo("test", 1, 0));
        Node asl = node(q, "asl");
        Node dqIn = asl.input(0).producer();
        assertEquals("DequantizeLinear", dqIn.opType());
        Node qOut = asl.output().users().get(0).node();
        assertEquals("QuantizeLinear", qOut.opType());
        assertEquals(dqIn.input(1).data(), qOut.input(1).data(), "same scale");
        assertEquals(dqIn.input(2).data(), qOut.input(2).data(), "same zero point");
        assertEquals(0, dqIn.input(2).data().ints()[0], "a ReLU's output has zero point 0");
        assertEquals("float", q.metadata().get(ModelInfo.QUANTIZATION_ASL));
        assertEquals("minmax", q.metadata().get(ModelInfo.QUANTIZED));
        // Writes and reads back to the same bytes.
        byte[] bytes = OnnxWriter.toBytes(q);
        assertTrue(java.util.Arrays.equals(bytes, OnnxWriter.toBytes(readBack(bytes))));
    }

    static Model readBack(byte[] bytes) {
        try {
            return OnnxReader.read(bytes);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static final QuantizeOptions FLOAT_ASL = QuantizeOptions.builder().optAsl(AslQuantization.FLOAT).build();

    @Test
    void oneSwitchEmitsTheUint8ActiveShift() {
        QuantizationPlan plan = QdqQuantizer.plan(shiftBlock(),
                QuantizeOptions.builder().optAsl(AslQuantization.UINT8).build());
        Model q = plan.quantize(ranges(plan), new CalibrationInfo("test", 1, 0));
        Node u8 = node(q, "asl");
        assertEquals(AsnetDomain.DOMAIN, u8.domain());
        assertEquals(ActiveShiftU8.OP_TYPE, u8.opType());
        assertEquals("QuantizeLinear", u8.input(0).producer().opType(), "reads the uint8 tensor");
        assertEquals(DataType.UINT8, u8.output().dataType());
        Node dq = u8.output().users().get(0).node();
        assertEquals("DequantizeLinear", dq.opType());
        assertEquals(u8.input(2).data(), dq.input(1).data());
        assertEquals(u8.input(3).data(), dq.input(2).data());
        assertEquals(0, q.graph().nodes().stream().filter(n -> n.opType().equals(AsnetDomain.ACTIVE_SHIFT)).count());
        assertEquals("uint8", q.metadata().get(ModelInfo.QUANTIZATION_ASL));
        q.graph().checkConsistency();
    }

    @Test
    void theDepthwiseFormQuantizesTheShiftAsAnInt8DepthwiseConv() {
        QuantizationPlan plan = QdqQuantizer.plan(shiftBlock(),
                QuantizeOptions.builder().optAsl(AslQuantization.DEPTHWISE).build());
        assertEquals(0, plan.activeShiftLayers());
        Model q = plan.quantize(ranges(plan), new CalibrationInfo("test", 1, 0));
        assertEquals(0, q.graph().nodes().stream().filter(n -> n.domain().equals(AsnetDomain.DOMAIN)).count(),
                "standard ops only");
        // Zero shifts: a 1x1 depthwise kernel; its weights are int8 behind a DequantizeLinear.
        Node dw = q.graph().nodes().stream().filter(n -> n.opType().equals("Conv")
                && n.input(1).producer() != null && n.input(1).producer().opType().equals("DequantizeLinear")
                && n.attribute("group").map(a -> a.asInt() == 8L).orElse(false)).findFirst().orElseThrow();
        assertEquals(DataType.INT8, dw.input(1).producer().input(0).dataType());
        assertEquals("QuantizeLinear", dw.output().users().get(0).node().opType(), "its output is quantized too");
        assertEquals("depthwise", q.metadata().get(ModelInfo.QUANTIZATION_ASL));
        q.graph().checkConsistency();
        // A model without Active Shift layers is quantized as it is, with no Active Shift form recorded.
        QuantizationPlan plainPlan = QdqQuantizer.plan(noShift(),
                QuantizeOptions.builder().optAsl(AslQuantization.DEPTHWISE).build());
        Model plain = plainPlan.quantize(ranges(plainPlan), new CalibrationInfo("test", 1, 0));
        assertTrue(plain.metadata().get(ModelInfo.QUANTIZATION_ASL) == null);
    }

    static Model noShift() {
        Graph g = new Graph("plain", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("x", DataType.FLOAT, Shape.batched("N", 4, 8, 8));
        Value y = b.relu("relu", b.conv("c1", x, b.parameter("w1", Tensor.ofFloats(new float[32], 8, 4, 1, 1)), null,
                ConvOptions.builder().build()));
        b.output(b.flatten("flat", b.globalAveragePool("gap", y), 1), "y");
        return new Model(g);
    }

    @Test
    void consecutiveRelusAreNeverEmitted() {
        Graph g = new Graph("relus", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("x", DataType.FLOAT, Shape.batched("N", 2, 4, 4));
        Value y = b.relu("r2", b.relu("r1", b.conv("c", x, b.parameter("w", Tensor.ofFloats(new float[4], 2, 2, 1, 1)),
                null, ConvOptions.builder().build())));
        b.output(b.flatten("flat", b.globalAveragePool("gap", y), 1), "y");
        QuantizationPlan plan = QdqQuantizer.plan(new Model(g), QuantizeOptions.defaults());
        assertEquals(1, plan.relusRemoved());
        Model q = plan.quantize(ranges(plan), new CalibrationInfo("test", 1, 0));
        for (Node n : q.graph().nodes()) {
            if (n.opType().equals("Relu")) {
                assertTrue(!n.input(0).producer().opType().equals("Relu"), n.describe());
            }
        }
    }

    @Test
    void refusesQuantizedModelsAndComputedWeightsNamingTheNode() {
        QuantizationPlan plan = QdqQuantizer.plan(shiftBlock(), QuantizeOptions.defaults());
        Model q = plan.quantize(ranges(plan), new CalibrationInfo("test", 1, 0));
        QuantizationException again = assertThrows(QuantizationException.class,
                () -> QdqQuantizer.plan(q, QuantizeOptions.defaults()));
        assertTrue(again.getMessage().contains("already quantized"), again.getMessage());
        // Without the metadata the QDQ nodes still tell.
        Model bare = readBack(OnnxWriter.toBytes(q));
        Model stripped = new Model(bare.graph());
        QuantizationException ops = assertThrows(QuantizationException.class,
                () -> QdqQuantizer.plan(stripped, QuantizeOptions.defaults()));
        assertTrue(ops.getMessage().contains("QuantizeLinear node"), ops.getMessage());

        Graph g = new Graph("computed", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("x", DataType.FLOAT, Shape.batched("N", 2, 4, 4));
        Value w = b.input("w", DataType.FLOAT, Shape.of(2, 2, 1, 1));
        b.output(b.conv("dynamic", x, w, null, ConvOptions.builder().build()), "y");
        QuantizationException computed = assertThrows(QuantizationException.class,
                () -> QdqQuantizer.plan(new Model(g), QuantizeOptions.defaults()));
        assertTrue(computed.getMessage().contains("Conv node 'dynamic'"), computed.getMessage());
    }
}
