package dev.asnet.exporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.AslLowerings;
import dev.asnet.exporter.export.ExportOptions;
import dev.asnet.exporter.export.InferenceExport;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.IrException;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.exporter.ops.OpRegistry;
import dev.asnet.exporter.testing.ActiveShiftTester;
import dev.asnet.exporter.testing.OrtRunner;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The standard-ONNX ASL lowerings in ONNX Runtime against the double-precision reference. */
class AslLoweringTest {
    private static Model shiftModel(int c, int h, int w, float[] shift, int sh, int sw) {
        Graph g = new Graph("asl", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("x", DataType.FLOAT, Shape.batched("N", c, h, w));
        Value s = b.parameter("shift", Tensor.ofFloats(shift, c, 2));
        b.output(b.activeShift("asl", x, s, sh, sw), "y");
        return new Model(g);
    }

    /** Non-integer shifts in [-range, range], plus exact integers and zero in the first channels. */
    private static float[] shifts(long seed, int c, double range) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] s = new float[2 * c];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) ((r.nextDouble() * 2 - 1) * range);
        }
        s[0] = 0f;
        s[1] = 0f;
        s[2] = 2f;
        s[3] = -1f;
        return s;
    }

    @ParameterizedTest(name = "{0}: C={1} {2}x{3} strides {4}x{5}")
    @CsvSource({"PORTABLE,5,7,9,1,1", "PORTABLE,6,8,11,2,2", "PORTABLE,4,13,10,2,1",
            "DEPTHWISE,5,7,9,1,1", "DEPTHWISE,6,8,11,2,2", "DEPTHWISE,4,13,10,1,2"})
    void loweringMatchesReference(AslLowering lowering, int c, int h, int w, int sh, int sw) throws Exception {
        float[] shift = shifts(c * 31L + h, c, 2.6);
        byte[] bytes = OnnxWriter.toBytes(InferenceExport.prepare(shiftModel(c, h, w, shift, sh, sw),
                ExportOptions.of(lowering)));
        double tol = lowering == AslLowering.DEPTHWISE ? 1e-5 : 1e-4;
        for (int n : new int[] {1, 3}) {
            ActiveShiftTester t = new ActiveShiftTester().batch(n).channels(c).height(h).width(w).strides(sh, sw)
                    .shifts(shift).seed(n * 7L + c).tolerance(tol);
            // The shifts are baked into the model, so the kernel only takes X.
            t.testForward((x, s) -> {
                OrtRunner.Output out = OrtRunner.PLAIN.run(bytes, "x", x, t.inputShape()).get(0);
                assertArrayEquals(new long[] {n, c, (h + sh - 1) / sh, (w + sw - 1) / sw}, out.shape());
                return out.data();
            });
        }
    }

    @Test
    void portableAtOpset20UsesTheNewModeName() throws Exception {
        int c = 3, h = 6, w = 7;
        float[] shift = shifts(5, c, 1.5);
        Model m = InferenceExport.prepare(shiftModel(c, h, w, shift, 1, 1),
                ExportOptions.builder().setLowering(AslLowering.PORTABLE).optOpsetVersion(20).build());
        assertEquals("linear", m.graph().nodes().stream().filter(n -> n.opType().equals("GridSample")).findFirst()
                .orElseThrow().attribute("mode").orElseThrow().asString());
        byte[] bytes = OnnxWriter.toBytes(m);
        new ActiveShiftTester().channels(c).height(h).width(w).shifts(shift).seed(3).tolerance(1e-4)
                .testForward((x, s) -> OrtRunner.PLAIN.run(bytes, "x", x, 1, c, h, w).get(0).data());
    }

    @Test
    void depthwiseRadiusIsTheCeilingOfTheLargestShift() {
        assertEquals(3, AslLowerings.radius(new float[] {0.5f, -2.01f, 1f, 0f}));
        assertEquals(2, AslLowerings.radius(new float[] {2f, -2f}));
        // A shift of exactly r puts its second tap outside the kernel with weight 0.
        Tensor k = AslLowerings.depthwiseKernel(new float[] {2f, -0.25f}, 2);
        float[] v = k.floats();
        // x = 2: column 2 + r = 4 only; y = -0.25: rows -1 + r = 1 (weight 0.25) and 2 (weight 0.75).
        assertEquals(0.25f, v[1 * 5 + 4], 1e-7);
        assertEquals(0.75f, v[2 * 5 + 4], 1e-7);
        double sum = 0;
        for (float f : v) {
            sum += f;
        }
        assertEquals(1.0, sum, 1e-6);
    }

    @Test
    void depthwiseAboveTheLimitFailsNamingTheChannel() {
        float[] shift = {0.5f, 0.5f, -4.25f, 1f, 0f, 0f};
        IrException e = assertThrows(IrException.class, () -> InferenceExport.prepare(shiftModel(3, 8, 8, shift, 1, 1),
                ExportOptions.builder().setLowering(AslLowering.DEPTHWISE).optMaxRadius(3).build()));
        assertEquals("ActiveShift node 'asl': the depthwise lowering needs radius 5 (|shift| = 4.25 in channel 1) but the"
                + " limit is 3; raise ExportOptions maxRadius or use the custom or portable lowering", e.getMessage());
    }

    @Test
    void portableNeedsOpset16() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExportOptions.builder().setLowering(AslLowering.PORTABLE).optOpsetVersion(15).build());
        assertTrue(e.getMessage().contains("GridSample and needs opset >= 16, got 15"), e.getMessage());
    }

    @Test
    void customLoweringKeepsTheOpAndImportsItsDomain() throws Exception {
        Model m = InferenceExport.prepare(shiftModel(2, 4, 4, shifts(1, 2, 1), 1, 1), ExportOptions.of(AslLowering.CUSTOM));
        var proto = OnnxWriter.toProto(m);
        assertEquals(1, proto.getGraph().getNodeCount());
        assertEquals("dev.asnet", proto.getGraph().getNode(0).getDomain());
        assertEquals(1, proto.getOpsetImportCount());
        assertEquals("dev.asnet", proto.getOpsetImport(0).getDomain());
        assertEquals(1, proto.getOpsetImport(0).getVersion());
        assertEquals("custom", m.metadata().get(ModelInfo.ASL_LOWERING));
    }
}
