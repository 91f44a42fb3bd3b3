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
import dev.asnet.ops.testing.ActiveShiftReference;
import java.util.SplittableRandom;
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
        SplittableRandom r = new SplittableRandom(c * 1000L + h);
        float[] shift = new float[2 * c];
        for (int i = 0; i < shift.length; i++) {
            shift[i] = (float) ((r.nextDouble() * 2 - 1) * range);
        }
        Graph g = new Graph("asl", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("input", DataType.FLOAT, Shape.batched("N", c, h, w));
        b.output(b.activeShift("asl", x, b.parameter("shift", Tensor.ofFloats(shift, c, 2)), stride, stride), "y");
        Model m = new Model(g);
        int n = 3;
        float[] data = OrtSessions.randn(h * 31L + w, n * c * h * w);
        float[][] out = new float[3][];
        for (AslLowering l : AslLowering.values()) {
            byte[] bytes = OnnxWriter.toBytes(InferenceExport.prepare(m, ExportOptions.of(l)));
            OrtSessions.Output o = OrtSessions.run(bytes, l == AslLowering.CUSTOM, "input", data, n, c, h, w);
            assertArrayEquals(new long[] {n, c, (h + stride - 1) / stride, (w + stride - 1) / stride}, o.shape());
            out[l.ordinal()] = o.data();
        }
        float[] custom = out[AslLowering.CUSTOM.ordinal()];
        double dw = OrtSessions.maxAbsDiff(custom, out[AslLowering.DEPTHWISE.ordinal()]);
        double portable = OrtSessions.maxAbsDiff(custom, out[AslLowering.PORTABLE.ordinal()]);
        assertTrue(dw <= 1e-5, "custom vs depthwise: " + dw);
        assertTrue(portable <= 1e-4, "custom vs portable: " + portable);
        double[] xd = new double[data.length];
        for (int i = 0; i < xd.length; i++) {
            xd[i] = data[i];
        }
        double[] sd = new double[shift.length];
        for (int i = 0; i < sd.length; i++) {
            sd[i] = shift[i];
        }
        double[] ref = new ActiveShiftReference(n, c, h, w, stride, stride).run(xd, sd, null).y();
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            worst = Math.max(worst, Math.abs(ref[i] - custom[i]));
        }
        assertTrue(worst <= 1e-5, "custom vs reference: " + worst);
    }
}
