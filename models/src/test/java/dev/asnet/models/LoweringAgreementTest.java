package dev.asnet.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.export.InferenceExport;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.exporter.ops.OpRegistry;
import dev.asnet.exporter.testing.ActiveShiftTester;
import dev.asnet.exporter.testing.OrtRunner;
import dev.asnet.exporter.testing.TestArrays;
import dev.asnet.ops.testing.OpSessions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One Active Shift layer in all three lowerings, in ONNX Runtime with the asnet library: custom
 * vs depthwise within 1e-5 and custom vs portable within 1e-4, all close to the double-precision
 * reference, for shifts up to the spread of the published w32 model (about 4.75).
 */
class LoweringAgreementTest {
    @ParameterizedTest(name = "C={0} {1}x{2} stride {3}, |shift| < {4}")
    @CsvSource({"16, 14, 14, 1, 1.0", "24, 15, 17, 2, 2.5", "8, 28, 28, 1, 4.75", "12, 9, 9, 2, 4.75"})
    void allLoweringsAgree(int c, int h, int w, int stride, double range) throws Exception {
        ActiveShiftTester t = new ActiveShiftTester().batch(3).channels(c).height(h).width(w).strides(stride, stride)
                .shiftRange(range).seed(c * 1000L + h);
        float[] shift = TestArrays.toFloat(t.shift());
        Graph g = new Graph("asl", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("input", DataType.FLOAT, Shape.batched("N", c, h, w));
        b.output(b.activeShift("asl", x, b.parameter("shift", Tensor.ofFloats(shift, c, 2)), stride, stride), "y");
        Model m = new Model(g);
        // The tester checks the custom lowering against the reference; the kernel also holds the
        // other two lowerings to the custom one on the same input.
        t.testForward((data, s) -> {
            float[][] out = new float[3][];
            for (AslLowering l : AslLowering.values()) {
                byte[] bytes = OnnxWriter.toBytes(InferenceExport.prepare(m, ExportOptions.of(l)));
                // Only the custom lowering gets the op library: the others must run as standard ONNX.
                OrtRunner runner = l == AslLowering.CUSTOM ? OpSessions.WITH_OPS : OpSessions.PLAIN;
                OrtRunner.Output o = runner.run(bytes, "input", data, t.inputShape()).get(0);
                assertArrayEquals(t.outputShape(), o.shape());
                out[l.ordinal()] = o.data();
            }
            float[] custom = out[AslLowering.CUSTOM.ordinal()];
            double dw = TestArrays.maxAbsDiff(custom, out[AslLowering.DEPTHWISE.ordinal()]);
            double portable = TestArrays.maxAbsDiff(custom, out[AslLowering.PORTABLE.ordinal()]);
            assertTrue(dw <= 1e-5, "custom vs depthwise: " + dw);
            assertTrue(portable <= 1e-4, "custom vs portable: " + portable);
            return custom;
        });
    }
}
