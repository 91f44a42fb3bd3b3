package dev.asnet.exporter.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.ops.OpRegistry;
import dev.asnet.exporter.testing.OrtRunner;
import dev.asnet.exporter.testing.TestArrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Each quantized pattern on a small graph, run by ONNX Runtime (level ALL, so its QDQ fusions form
 * the integer ops) against a Java reference of the fake-quantized math: inputs, weights and biases
 * through their Q/DQ maps, the float op, the output through its Q/DQ map. Results may differ by one
 * output step where ONNX Runtime's integer requantization rounds a tie the other way.
 */
class QdqPatternTest {
    static final long[] X = {2, 3, 6, 6};

    /** A quantized model, its plan's ranges and the parameters of each activation. */
    record Quantized(Model model, QuantizationPlan plan, Map<String, QuantParams> params) {
        QuantParams p(String value) {
            return params.get(value);
        }
    }

    /**
     * Quantizes with the defaults but an int8 stem: these tests look at the integer patterns on
     * small graphs whose first conv reads the input ({@link #theStemStaysFloat} covers the default).
     */
    static Quantized quantize(Model m, Map<String, float[]> inputs, Map<String, long[]> shapes) throws Exception {
        return quantize(m, inputs, shapes, QuantizeOptions.builder().optFloatStem(false).build());
    }

    static Quantized quantize(Model m, Map<String, float[]> inputs, Map<String, long[]> shapes, QuantizeOptions options)
            throws Exception {
        QuantizationPlan plan = QdqQuantizer.plan(m, options);
        Model calib = plan.calibrationModel();
        List<OrtRunner.Output> outs = OrtRunner.PLAIN.run(OnnxWriter.toBytes(calib), inputs, shapes);
        Map<String, TensorRange> ranges = new HashMap<>();
        List<Value> outputs = calib.graph().outputs();
        for (String name : plan.calibratedValues()) {
            float[] v = inputs.get(name);
            for (int i = 0; v == null && i < outputs.size(); i++) {
                if (outputs.get(i).name().equals(name)) {
                    v = outs.get(i).data();
                }
            }
            MinMaxObserver o = new MinMaxObserver(name);
            o.observe(v);
            ranges.put(name, o.range());
        }
        Map<String, QuantParams> params = new HashMap<>();
        ranges.forEach((k, r) -> params.put(k, r.toUint8()));
        return new Quantized(plan.quantize(ranges, new CalibrationInfo("test", 1, 0)), plan, params);
    }

    static float[] fq(float[] x, QuantParams p) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = p.fakeQuantize(x[i]);
        }
        return y;
    }

    /** NCHW convolution with groups, square stride and padding. */
    static float[] conv(float[] x, long[] xs, float[] w, long[] ws, float[] b, int stride, int pad, int group) {
        int n = (int) xs[0], c = (int) xs[1], h = (int) xs[2], wd = (int) xs[3];
        int m = (int) ws[0], cg = (int) ws[1], kh = (int) ws[2], kw = (int) ws[3];
        int oh = (h + 2 * pad - kh) / stride + 1, ow = (wd + 2 * pad - kw) / stride + 1;
        float[] y = new float[n * m * oh * ow];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < m; o++) {
                int g = o / (m / group);
                for (int r = 0; r < oh; r++) {
                    for (int s = 0; s < ow; s++) {
                        double acc = b == null ? 0 : b[o];
                        for (int ci = 0; ci < cg; ci++) {
                            for (int u = 0; u < kh; u++) {
                                for (int v = 0; v < kw; v++) {
                                    int hh = r * stride - pad + u, ww = s * stride - pad + v;
                                    if (hh >= 0 && hh < h && ww >= 0 && ww < wd) {
                                        acc += x[((i * c + g * cg + ci) * h + hh) * wd + ww]
                                                * w[((o * cg + ci) * kh + u) * kw + v];
                                    }
                                }
                            }
                        }
                        y[((i * m + o) * oh + r) * ow + s] = (float) acc;
                    }
                }
            }
        }
        return y;
    }

    static float[] map(float[] x, Function<Float, Float> f) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = f.apply(x[i]);
        }
        return y;
    }

    static void assertWithinSteps(float[] want, float[] got, float step, String what) {
        double worst = TestArrays.maxAbsDiff(want, got);
        assertTrue(worst <= step * 1.01 + 1e-5, what + ": worst difference " + worst + " > one step " + step);
    }

    static Node only(Model m, String op) {
        return m.graph().nodes().stream().filter(n -> n.opType().equals(op)).findFirst().orElseThrow();
    }

    static float[] dequantizedWeight(Model q, Node layer) {
        Node dq = layer.input(1).producer();
        int[] v = dq.input(0).data().ints();
        float[] s = dq.input(1).data().floats();
        int per = v.length / s.length;
        float[] w = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            w[i] = v[i] * s[i / per];
        }
        return w;
    }

    static float[] dequantizedBias(Node layer) {
        Node dq = layer.input(2).producer();
        int[] v = dq.input(0).data().ints();
        float[] s = dq.input(1).data().floats();
        float[] b = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = v[i] * s[i];
        }
        return b;
    }

    @Test
    void convWithBiasAndRelu() throws Exception {
        Graph g = new Graph("conv", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("x", DataType.FLOAT, Shape.of(X));
        float[] w = TestArrays.randn(2, 4 * 3 * 9);
        float[] bias = TestArrays.randn(3, 4);
        Value y = b.relu("relu", b.conv("conv", x, b.parameter("w", Tensor.ofFloats(w, 4, 3, 3, 3)),
                b.parameter("b", Tensor.ofFloats(bias, 4)), ConvOptions.builder().optPad(1).build()));
        b.output(b.flatten("flat", y, 1), "y");
        float[] xd = TestArrays.randn(1, 2 * 3 * 36);
        Quantized q = quantize(new Model(g), Map.of("x", xd), Map.of("x", X));
        Node conv = only(q.model(), "Conv");
        assertEquals("DequantizeLinear", conv.input(1).producer().opType());
        assertEquals(DataType.INT8, conv.input(1).producer().input(0).dataType());
        assertEquals(DataType.INT32, conv.input(2).producer().input(0).dataType());
        // The bias scale is the input scale times each channel's weight scale.
        float[] ws = conv.input(1).producer().input(1).data().floats();
        float[] bs = conv.input(2).producer().input(1).data().floats();
        for (int c = 0; c < 4; c++) {
            assertEquals(q.p("x").scale() * ws[c], bs[c], 0f);
        }
        float[] want = fq(map(conv(fq(xd, q.p("x")), X, dequantizedWeight(q.model(), conv), new long[] {4, 3, 3, 3},
                dequantizedBias(conv), 1, 1, 1), v -> Math.max(v, 0f)), q.p("relu_out"));
        float[] got = OrtRunner.PLAIN.run(OnnxWriter.toBytes(q.model()), "x", xd, X).get(0).data();
        assertWithinSteps(want, got, q.p("relu_out").scale(), "conv + bias + relu");
    }

    @Test
    void theStemStaysFloat() throws Exception {
        // x -> Conv (the stem) -> Relu -> Conv -> y: by default the first conv keeps its float
        // weights and reads the float input; its Relu's output is quantized for the second conv.
        Graph g = new Graph("stem", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("x", DataType.FLOAT, Shape.of(X));
        float[] w0 = TestArrays.randn(4, 4 * 3 * 9);
        float[] w1 = TestArrays.randn(5, 2 * 4);
        Value r = b.relu("relu", b.conv("stem", x, b.parameter("w0", Tensor.ofFloats(w0, 4, 3, 3, 3)), null,
                ConvOptions.builder().optPad(1).build()));
        b.output(b.conv("conv", r, b.parameter("w1", Tensor.ofFloats(w1, 2, 4, 1, 1)), null, ConvOptions.builder().build()),
                "y");
        float[] xd = TestArrays.randn(6, 2 * 3 * 36);
        Quantized q = quantize(new Model(g), Map.of("x", xd), Map.of("x", X), QuantizeOptions.defaults());
        assertEquals(List.of("stem"), q.plan().floatStems());
        assertEquals(1, q.plan().weightedLayers());
        Node stem = q.model().graph().nodes().stream().filter(n -> "stem".equals(n.name())).findFirst().orElseThrow();
        assertEquals("x", stem.input(0).name(), "the stem reads the float input itself");
        assertEquals(DataType.FLOAT, stem.input(1).dataType());
        assertTrue(stem.input(1).isInitializer(), "float weights, no DequantizeLinear");
        assertTrue(q.params().containsKey("relu_out") && !q.params().containsKey("x"), q.params().keySet().toString());
        // The same as the int8 stem's model wherever only the stem's rounding differs: the output
        // of the float stem, fake-quantized, feeds the int8 conv.
        float[] stemOut = map(conv(xd, X, w0, new long[] {4, 3, 3, 3}, new float[4], 1, 1, 1), v -> Math.max(v, 0f));
        float[] got = OrtRunner.PLAIN.run(OnnxWriter.toBytes(q.model()), "x", xd, X).get(0).data();
        Node conv = q.model().graph().nodes().stream().filter(n -> "conv".equals(n.name())).findFirst().orElseThrow();
        float[] w1q = dequantizedWeight(q.model(), conv);
        float[] want = conv(fq(stemOut, q.p("relu_out")), new long[] {2, 4, 6, 6}, w1q, new long[] {2, 4, 1, 1},
                new float[2], 1, 0, 1);
        // Up to one input step through the largest weight (the stem's float rounding in ONNX Runtime
        // may put a value on the other side of a rounding boundary).
        float widest = 0;
        for (float v : w1q) {
            widest = Math.max(widest, Math.abs(v));
        }
        assertWithinSteps(want, got, q.p("relu_out").scale() * widest, "float stem -> int8 conv");
        Quantized int8 = quantize(new Model(g), Map.of("x", xd), Map.of("x", X));
        assertTrue(int8.plan().floatStems().isEmpty());
        assertEquals(2, int8.plan().weightedLayers());
    }

    @Test
    void gemmKeepsFloatLogits() throws Exception {
        Graph g = new Graph("gemm", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("x", DataType.FLOAT, Shape.of(4, 6));
        float[] w = TestArrays.randn(5, 5 * 6);
        float[] bias = TestArrays.randn(6, 5);
        b.output(b.linear("fc", x, b.parameter("w", Tensor.ofFloats(w, 5, 6)), b.parameter("b", Tensor.ofFloats(bias, 5))),
                "logits");
        float[] xd = TestArrays.randn(7, 24);
        Quantized q = quantize(new Model(g), Map.of("x", xd), Map.of("x", new long[] {4, 6}));
        Node fc = only(q.model(), "Gemm");
        float[] wq = dequantizedWeight(q.model(), fc);
        float[] bq = dequantizedBias(fc);
        float[] xq = fq(xd, q.p("x"));
        float[] want = new float[20];
        for (int i = 0; i < 4; i++) {
            for (int o = 0; o < 5; o++) {
                double acc = bq[o];
                for (int k = 0; k < 6; k++) {
                    acc += xq[i * 6 + k] * wq[o * 6 + k];
                }
                want[i * 5 + o] = (float) acc;
            }
        }
        assertEquals(DataType.FLOAT, q.model().graph().outputs().get(0).dataType());
        assertEquals("Gemm", q.model().graph().outputs().get(0).producer().opType(), "the logits are not quantized");
        float[] got = OrtRunner.PLAIN.run(OnnxWriter.toBytes(q.model()), "x", xd, 4, 6).get(0).data();
        assertWithinSteps(want, got, 1e-4f, "gemm");
    }

    @Test
    void addAndGlobalAveragePool() throws Exception {
        Graph g = new Graph("add", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x1 = b.input("a", DataType.FLOAT, Shape.of(X));
        Value x2 = b.input("b", DataType.FLOAT, Shape.of(X));
        Value sum = b.add("add", x1, x2);
        b.output(b.flatten("flat", b.globalAveragePool("gap", sum), 1), "y");
        float[] a = TestArrays.randn(8, 216);
        float[] c = map(TestArrays.randn(9, 216), v -> 3 * v + 1);
        Quantized q = quantize(new Model(g), Map.of("a", a, "b", c), Map.of("a", X, "b", X));
        float[] s = new float[216];
        float[] aq = fq(a, q.p("a"));
        float[] cq = fq(c, q.p("b"));
        for (int i = 0; i < 216; i++) {
            s[i] = aq[i] + cq[i];
        }
        QuantParams ps = q.p("add_out");
        float[] sq = fq(s, ps);
        float[] mean = new float[6];
        for (int i = 0; i < 6; i++) {
            double acc = 0;
            for (int p = 0; p < 36; p++) {
                acc += sq[i * 36 + p];
            }
            mean[i] = (float) (acc / 36);
        }
        QuantParams pm = q.p("gap_out");
        float[] want = fq(mean, pm);
        float[] got = OrtRunner.PLAIN.run(OnnxWriter.toBytes(q.model()), Map.of("a", a, "b", c), Map.of("a", X, "b", X))
                .get(0).data();
        // The pool reads a sum that may itself be one step off: allow a step of each.
        assertWithinSteps(want, got, pm.scale() + ps.scale(), "add + global average pool");
    }

    static final float[] GAMMA = {0.5f, -1.5f, 2f};
    static final float[] BETA = {0.1f, 0.2f, -0.3f};
    static final float[] MEAN = {0.3f, -0.2f, 0.05f};
    static final float[] VAR = {0.8f, 1.7f, 0.3f};

    /** relu(BatchNormalization(a + b)), flattened: the pre-activation pattern of AS-ResNet. */
    static Model batchNormAfterAdd() {
        Graph g = new Graph("bn", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x1 = b.input("a", DataType.FLOAT, Shape.of(X));
        Value x2 = b.input("b", DataType.FLOAT, Shape.of(X));
        Value sum = b.add("add", x1, x2);
        Value bn = b.batchNorm("bn", sum, b.parameter("g", Tensor.ofFloats(GAMMA, 3)), b.parameter("be", Tensor.ofFloats(BETA, 3)),
                b.buffer("m", Tensor.ofFloats(MEAN, 3)), b.buffer("v", Tensor.ofFloats(VAR, 3)), 1e-5f);
        b.output(b.flatten("flat", b.relu("relu", bn), 1), "y");
        return new Model(g);
    }

    @Test
    void batchNormAfterAddBecomesOneChannelAffineU8() throws Exception {
        Model source = batchNormAfterAdd();
        float[] a = TestArrays.randn(12, 216);
        float[] c = TestArrays.randn(13, 216);
        Map<String, float[]> in = Map.of("a", a, "b", c);
        Map<String, long[]> shapes = Map.of("a", X, "b", X);
        // A graph without Active Shift keeps to standard ops unless asked.
        assertEquals(BatchNormQuantization.CONV, QuantizeOptions.defaults().batchNorm(false));
        assertEquals(BatchNormQuantization.UINT8, QuantizeOptions.defaults().batchNorm(true));
        Quantized q = quantize(source, in, shapes, QuantizeOptions.builder().optBatchNorm(BatchNormQuantization.UINT8).build());
        assertEquals(0, q.model().graph().nodes().stream().filter(n -> n.opType().equals("Conv")).count());
        assertEquals(0, q.model().graph().nodes().stream().filter(n -> n.opType().equals("Relu")).count());
        Node affine = only(q.model(), ChannelAffineU8.OP_TYPE);
        assertEquals(AsnetDomain.DOMAIN, affine.domain());
        assertEquals("bn", affine.name());
        assertEquals("uint8", q.model().metadata().get(dev.asnet.exporter.ModelInfo.QUANTIZATION_BATCH_NORM));
        // The op reads the Add's uint8 output and is read by the ReLU output's DequantizeLinear.
        assertEquals("QuantizeLinear", affine.input(0).producer().opType());
        QuantParams sumP = q.p("add_out");
        QuantParams outP = q.p("relu_out");
        ChannelAffineU8.Params p = new ChannelAffineU8.Params(affine.input(1).data().ints(), affine.input(2).data().ints(),
                affine.input(3).data().ints(), (int) affine.attribute(AsnetDomain.Y_MIN).orElseThrow().asInt());
        assertEquals(outP.zeroPoint(), p.yMin());
        // Against the fake-quantized float BN + ReLU on the same uint8 input: within one step.
        float[] aq = fq(a, q.p("a"));
        float[] cq = fq(c, q.p("b"));
        float[][] wb = BatchNormAsDepthwiseConv.affine(GAMMA, BETA, MEAN, VAR, 1e-5f);
        int exact = 0;
        for (int i = 0; i < 216; i++) {
            int ch = (i / 36) % 3;
            int qs = sumP.quantize(aq[i] + cq[i]);
            float real = Math.max(0f, wb[0][ch] * sumP.dequantize(qs) + wb[1][ch]);
            int want = outP.quantize(real);
            int got = ChannelAffineU8.apply(p, ch, qs);
            assertTrue(Math.abs(got - want) <= 1, "element " + i + ": " + got + " vs " + want);
            exact += got == want ? 1 : 0;
        }
        assertTrue(exact >= 210, exact + " of 216 bytes equal to the float reference's");
    }

    @Test
    void batchNormAfterAddBecomesAnExactlyQuantizedDepthwiseConv() throws Exception {
        Model source = batchNormAfterAdd();
        float[] a = TestArrays.randn(10, 216);
        float[] c = TestArrays.randn(11, 216);
        Map<String, float[]> in = Map.of("a", a, "b", c);
        Map<String, long[]> shapes = Map.of("a", X, "b", X);
        Quantized q = quantize(source, in, shapes, QuantizeOptions.builder().optBatchNorm(BatchNormQuantization.CONV).build());
        assertEquals(1, q.plan().batchNormsRewritten());
        // The rewritten float model computes what the BN did.
        float[] before = OrtRunner.PLAIN.run(OnnxWriter.toBytes(source), in, shapes).get(0).data();
        float[] after = OrtRunner.PLAIN.run(OnnxWriter.toBytes(q.plan().floatModel()), in, shapes).get(0).data();
        assertTrue(TestArrays.maxAbsDiff(before, after) < 1e-5);
        Node dw = only(q.model(), "Conv");
        assertEquals(3L, dw.attribute("group").orElseThrow().asInt());
        // One weight per channel: per-channel int8 holds it exactly (127 * s / 127).
        float[][] affine = BatchNormAsDepthwiseConv.affine(GAMMA, BETA, MEAN, VAR, 1e-5f);
        float[] wq = dequantizedWeight(q.model(), dw);
        for (int ch = 0; ch < 3; ch++) {
            assertEquals(affine[0][ch], wq[ch], Math.abs(affine[0][ch]) * 1e-6f);
        }
        float[] s = new float[216];
        float[] aq = fq(a, q.p("a"));
        float[] cq = fq(c, q.p("b"));
        for (int i = 0; i < 216; i++) {
            s[i] = aq[i] + cq[i];
        }
        float[] sq = fq(s, q.p("add_out"));
        float[] want = fq(map(conv(sq, X, wq, new long[] {3, 1, 1, 1}, dequantizedBias(dw), 1, 0, 3),
                v -> Math.max(v, 0f)), q.p("relu_out"));
        float[] got = OrtRunner.PLAIN.run(OnnxWriter.toBytes(q.model()), in, shapes).get(0).data();
        assertWithinSteps(want, got, q.p("relu_out").scale() + q.p("add_out").scale() * 2.5f, "BN as depthwise conv");
        assertEquals(0, q.model().graph().nodes().stream().filter(n -> n.opType().equals("BatchNormalization")).count());
    }

    @Test
    void parametersRoundHalfToEvenAndHoldZeroExactly() {
        QuantParams p = QuantParams.uint8(-1f, 3f);
        assertEquals(0f, p.fakeQuantize(0f));
        assertEquals(p.zeroPoint(), p.quantize(0f));
        assertEquals(255, p.quantize(100f));
        assertEquals(0, p.quantize(-100f));
        QuantParams unit = new QuantParams(1f, 10, DataType.UINT8);
        assertEquals(12, unit.quantize(2.5f));  // 2.5 -> 2 (even), + 10
        assertEquals(14, unit.quantize(3.5f));  // 3.5 -> 4 (even), + 10
        QuantParams relu = QuantParams.uint8(0f, 6f);
        assertEquals(0, relu.zeroPoint(), "a non-negative range has zero point 0, so a Relu before it folds away");
        assertEquals(new QuantParams(1f, 0, DataType.UINT8), QuantParams.uint8(0f, 0f));
        PerChannelWeights w = PerChannelWeights.quantize(Tensor.ofFloats(new float[] {1f, -0.5f, 0f, 0f, 2f, 4f}, 3, 2), 0);
        assertEquals(List.of(127, -64, 0, 0, 64, 127), java.util.Arrays.stream(w.values().ints()).boxed().toList());
        assertEquals(1f, w.scales()[1], "an all-zero channel gets scale 1");
    }

    @Test
    void percentileClipsOnlyTheTails() {
        float[] v = new float[100_000];
        for (int i = 0; i < v.length; i++) {
            v[i] = i / (float) v.length;
        }
        v[0] = -50f;  // one outlier each side
        v[1] = 80f;
        MinMaxObserver mm = new MinMaxObserver("t");
        mm.observe(v);
        HistogramObserver h = new HistogramObserver(mm.range(), HistogramObserver.DEFAULT_BINS);
        h.observe(v);
        TensorRange r = h.percentileRange(99.99);
        assertTrue(r.min() > -0.1f && r.min() <= 0.001f, r.toString());
        assertTrue(r.max() < 1.1f && r.max() >= 0.999f, r.toString());
        assertEquals(mm.range(), h.percentileRange(100));
    }

    static Map<String, float[]> ordered(Map<String, float[]> m) {
        return new LinkedHashMap<>(m);
    }
}
