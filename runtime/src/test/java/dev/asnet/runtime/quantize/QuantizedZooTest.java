package dev.asnet.runtime.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.ModelInfo;
import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.io.OnnxReader;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.ConvOptions;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.exporter.ops.OpRegistry;
import dev.asnet.exporter.quantize.AslQuantization;
import dev.asnet.exporter.quantize.QdqQuantizer;
import dev.asnet.exporter.quantize.QuantParams;
import dev.asnet.exporter.quantize.QuantizationPlan;
import dev.asnet.exporter.quantize.QuantizeOptions;
import dev.asnet.exporter.quantize.TensorRange;
import dev.asnet.runtime.AsnetModel;
import dev.asnet.runtime.FloatTensor;
import dev.asnet.runtime.OptimizationLevel;
import dev.asnet.runtime.nchwc.NchwcRewrite;
import dev.asnet.runtime.RuntimeOptions;
import dev.asnet.runtime.TestModels;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Quantized zoo models load and run in ONNX Runtime, with the op library (custom) and without. */
class QuantizedZooTest {
    static final RuntimeOptions ONE = RuntimeOptions.builder().optIntraOpThreads(1).build();

    @ParameterizedTest
    @CsvSource({"as-resnet20-16x1, CUSTOM", "as-resnet20-16x1, PORTABLE", "as-resnet20-16x1, DEPTHWISE",
        "dwresnet20-16x1, CUSTOM", "mobilenetv2-cifar, CUSTOM"})
    void zooModelQuantizesLoadsAndRuns(String name, AslLowering lowering) throws Exception {
        Model source = OnnxReader.read(TestModels.fashion(name, lowering));
        CalibrationData data = CalibrationSets.synthetic(ModelQuantizer.preprocessing(source), 8, 3);
        ModelQuantizer.QuantizationResult r = ModelQuantizer.quantize(source, data, QuantizeOptions.defaults(), ONE, null);
        byte[] bytes = OnnxWriter.toBytes(r.model());
        float[] x = new float[4 * 28 * 28];
        for (int i = 0; i < 4; i++) {
            data.fill(i % data.size(), x, i * 784);
        }
        try (AsnetModel m = AsnetModel.open(bytes, ONE)) {
            assertEquals(lowering == AslLowering.CUSTOM && name.startsWith("as-"), m.usesAsnetOps());
            float[] logits = m.run(FloatTensor.of(x, 4, 1, 28, 28)).data();
            for (float v : logits) {
                assertTrue(Float.isFinite(v));
            }
        }
        assertEquals("minmax", r.model().metadata().get(ModelInfo.QUANTIZED));
        assertEquals("8", r.model().metadata().get(ModelInfo.QUANTIZATION_IMAGES));
        assertFalse(r.model().graph().nodes().stream().anyMatch(n -> n.opType().equals("BatchNormalization")));
        // Same seed, same model.
        ModelQuantizer.QuantizationResult again = ModelQuantizer.quantize(source,
                CalibrationSets.synthetic(ModelQuantizer.preprocessing(source), 8, 3), QuantizeOptions.defaults(), ONE, null);
        assertTrue(java.util.Arrays.equals(bytes, OnnxWriter.toBytes(again.model())));
    }

    /**
     * The uint8 Active Shift against the float sandwich on the same calibration: each layer rounds
     * differently (at most one step), so the logits agree within a few quantization steps, at level
     * ALL (channels-last ActiveShiftNhwcU8 after the runtime's rewrite, with no Transpose left
     * around it) and at BASIC (the NCHW ActiveShiftU8).
     */
    @ParameterizedTest
    @CsvSource({"ALL", "BASIC"})
    void uint8ActiveShiftAgreesWithTheFloatSandwich(OptimizationLevel level) throws Exception {
        Model source = OnnxReader.read(TestModels.fashion("as-resnet20-16x1", AslLowering.CUSTOM));
        CalibrationData data = CalibrationSets.synthetic(ModelQuantizer.preprocessing(source), 8, 3);
        byte[] u8 = OnnxWriter.toBytes(ModelQuantizer.quantize(source, data,
                QuantizeOptions.builder().optAsl(AslQuantization.UINT8).build(), ONE, null).model());
        byte[] sandwich = OnnxWriter.toBytes(ModelQuantizer.quantize(source, data,
                QuantizeOptions.builder().optAsl(AslQuantization.FLOAT).build(), ONE, null).model());
        int n = 8;
        float[] x = images(data, n);
        RuntimeOptions options = RuntimeOptions.builder().optIntraOpThreads(1).optOptimizationLevel(level).build();
        float[] a;
        float[] b;
        try (AsnetModel m = AsnetModel.open(u8, options)) {
            a = m.run(FloatTensor.of(x, n, 1, 28, 28)).data();
            if (level == OptimizationLevel.ALL) {
                assertEquals(NchwcRewrite.Status.REWRITTEN, m.nchwcRewrite().status(), m.nchwcRewrite().message());
                assertTrue(m.nchwcRewrite().message().contains("9 ActiveShiftU8 chains"), m.nchwcRewrite().message());
            }
        }
        try (AsnetModel m = AsnetModel.open(sandwich, options)) {
            b = m.run(FloatTensor.of(x, n, 1, 28, 28)).data();
        }
        double range = 0;
        double diff = 0;
        for (int i = 0; i < a.length; i++) {
            range = Math.max(range, Math.abs(b[i]));
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
        }
        // The logits' own quantization step is range / 255 or more (Gemm output of uint8 inputs).
        assertTrue(diff <= 0.05 * range, "max |uint8 - sandwich| = " + diff + " with logits up to " + range);
    }

    /**
     * The runtime's rewrite of a quantized model (channels-last uint8 ops, the float stem's reorder
     * writing channels-last) changes no value: the logits equal those of ONNX Runtime's own graph
     * at ALL bit for bit, for the float stem (the default) and the int8 one, and no Transpose is
     * left in the rewritten graph but the int8 stem's input.
     */
    @ParameterizedTest
    @CsvSource({"true", "false"})
    void theRewriteOfAQuantizedModelIsExact(boolean floatStem) throws Exception {
        Model source = OnnxReader.read(TestModels.fashion("as-resnet20-16x1", AslLowering.CUSTOM));
        CalibrationData data = CalibrationSets.synthetic(ModelQuantizer.preprocessing(source), 8, 3);
        byte[] q = OnnxWriter.toBytes(ModelQuantizer.quantize(source, data,
                QuantizeOptions.builder().optFloatStem(floatStem).build(), ONE, null).model());
        int n = 7;
        float[] x = images(data, n);
        RuntimeOptions all = RuntimeOptions.builder().optIntraOpThreads(1).optOptimizationLevel(OptimizationLevel.ALL).build();
        float[] rewritten;
        float[] plain;
        try (AsnetModel m = AsnetModel.open(q, all)) {
            rewritten = m.run(FloatTensor.of(x, n, 1, 28, 28)).data();
            assertEquals(NchwcRewrite.Status.REWRITTEN, m.nchwcRewrite().status(), m.nchwcRewrite().message());
        }
        try (AsnetModel m = AsnetModel.open(q, all.toBuilder().optNchwcRewrite(false).build())) {
            plain = m.run(FloatTensor.of(x, n, 1, 28, 28)).data();
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(plain, rewritten);
        var built = dev.asnet.runtime.nchwc.MachineSpecificModels.build(q,
                dev.asnet.exporter.onnx.Onnx.ModelProto.parseFrom(q), true, "16x1 int8");
        Map<String, Integer> ops = dev.asnet.runtime.ModelDescription.parse(built.model().toByteArray(), "rewritten")
                .operators();
        // The int8 stem reads the quantized image (NCHW) through ONNX Runtime's one Transpose.
        assertEquals(floatStem ? 0 : 1, ops.getOrDefault("Transpose", 0), ops.toString());
    }

    /** n 1x28x28 images from the calibration set (cycling through it), as one batch. */
    private static float[] images(CalibrationData data, int n) {
        float[] x = new float[n * 28 * 28];
        for (int i = 0; i < n; i++) {
            data.fill(i % data.size(), x, i * 784);
        }
        return x;
    }

    /** The ASL sandwich against a Java reference: DQ, bilinear shift, Q with the input's parameters. */
    @Test
    void activeShiftSandwichMatchesTheFakeQuantizedReference() throws Exception {
        int c = 3;
        int h = 5;
        int w = 6;
        Graph g = new Graph("asl", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("x", DataType.FLOAT, Shape.batched("N", c, h, w));
        float[] shift = {0.4f, -1.3f, -0.7f, 0.25f, 1.5f, 1.5f};
        Value y = b.relu("relu", b.conv("c", x, b.parameter("eye", Tensor.ofFloats(new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1},
                3, 3, 1, 1)), null, ConvOptions.builder().build()));
        Value s = b.activeShift("asl", y, b.parameter("shift", Tensor.ofFloats(shift, c, 2)), 1, 1);
        b.output(b.flatten("flat", b.maxPool("pool", s, dev.asnet.exporter.ops.PoolOptions.builder().setKernel(1, 1).build()), 1), "y");
        QuantizationPlan plan = QdqQuantizer.plan(new Model(g),
                QuantizeOptions.builder().optAsl(dev.asnet.exporter.quantize.AslQuantization.FLOAT).build());
        Map<String, TensorRange> ranges = new java.util.HashMap<>();
        for (String v : plan.calibratedValues()) {
            ranges.put(v, new TensorRange(-2f, 3f));
        }
        ranges.put("relu_out", new TensorRange(0f, 2.5f));
        ranges.put("pool_out", new TensorRange(0f, 2.5f));  // same parameters: requantizing changes nothing
        Model q = plan.quantize(ranges, new dev.asnet.exporter.quantize.CalibrationInfo("test", 1, 0));
        float[] xd = new float[c * h * w];
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < xd.length; i++) {
            xd[i] = (float) (r.nextDouble() * 3 - 0.5);
        }
        QuantParams px = QuantParams.uint8(-2f, 3f);
        QuantParams pr = QuantParams.uint8(0f, 2.5f);
        float[] want = new float[xd.length];
        for (int ch = 0; ch < c; ch++) {
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    double sy = i + shift[2 * ch + 1];
                    double sx = j + shift[2 * ch];
                    int y0 = (int) Math.floor(sy);
                    int x0 = (int) Math.floor(sx);
                    double dy = sy - y0;
                    double dx = sx - x0;
                    double v = 0;
                    for (int a = 0; a < 2; a++) {
                        for (int bb = 0; bb < 2; bb++) {
                            int yy = y0 + a;
                            int xx = x0 + bb;
                            double wt = (a == 0 ? 1 - dy : dy) * (bb == 0 ? 1 - dx : dx);
                            if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                                v += wt * pr.fakeQuantize(Math.max(0f, px.fakeQuantize(xd[(ch * h + yy) * w + xx])));
                            }
                        }
                    }
                    want[(ch * h + i) * w + j] = pr.fakeQuantize((float) v);
                }
            }
        }
        try (AsnetModel m = AsnetModel.open(OnnxWriter.toBytes(q), ONE)) {
            float[] got = m.run(FloatTensor.of(xd, 1, c, h, w)).data();
            for (int i = 0; i < want.length; i++) {
                assertEquals(want[i], got[i], pr.scale() * 1.01f, "element " + i);
            }
        }
        Node asl = q.graph().nodes().stream().filter(n -> n.opType().equals("ActiveShift")).findFirst().orElseThrow();
        assertEquals(asl.input(0).producer().input(1).data(), asl.output().users().get(0).node().input(1).data());
    }
}
