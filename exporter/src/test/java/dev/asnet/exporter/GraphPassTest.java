package dev.asnet.exporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.AslLowerings;
import dev.asnet.exporter.export.FoldBatchNorm;
import dev.asnet.exporter.export.LowerActiveShift;
import dev.asnet.exporter.export.OrderInitializersByFirstUse;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.IrException;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.ConvOptions;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.exporter.ops.OpRegistry;
import dev.asnet.exporter.testing.ActiveShiftReference;
import dev.asnet.exporter.testing.OrtRunner;
import dev.asnet.exporter.testing.TestArrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each graph pass on small hand-built graphs, run in ONNX Runtime against the untransformed form. */
class GraphPassTest {
    private static Tensor random(long seed, float lo, float hi, long... dims) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 1;
        for (long d : dims) {
            n *= (int) d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (lo + (hi - lo) * r.nextDouble());
        }
        return Tensor.ofFloats(v, dims);
    }

    private static Value bn(GraphBuilder b, String name, Value x, int c, long seed) {
        return b.batchNorm(name, x, b.parameter(name + ".weight", random(seed, 0.5f, 2f, c)),
                b.parameter(name + ".bias", random(seed + 1, -1f, 1f, c)), b.buffer(name + ".mean", random(seed + 2, -1f, 1f, c)),
                b.buffer(name + ".var", random(seed + 3, 0.2f, 3f, c)), 1e-3f);
    }

    /** image -> c1 (no bias) -> bn1 -> Relu -> c2 (bias) -> bn2 -> y, and a BN after the Relu too. */
    private static Graph convBnNet() {
        Graph g = new Graph("fold", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("image", DataType.FLOAT, Shape.batched("N", 3, 6, 6));
        Value h = b.conv("c1", x, b.parameter("c1.weight", random(1, -1f, 1f, 4, 3, 3, 3)), null,
                ConvOptions.builder().optPad(1).build());
        h = b.relu("r1", bn(b, "bn1", h, 4, 10));
        Value after = bn(b, "bn_relu", h, 4, 20); // follows a Relu: stays
        h = b.conv("c2", after, b.parameter("c2.weight", random(2, -1f, 1f, 5, 4, 1, 1)),
                b.parameter("c2.b", random(3, -1f, 1f, 5)), ConvOptions.builder().build());
        b.output(bn(b, "bn2", h, 5, 30), "y");
        return g;
    }

    private static float[] run(Graph g, float[] x, int n) throws Exception {
        return OrtRunner.PLAIN.run(OnnxWriter.toBytes(new Model(g)), "image", x, n, 3, 6, 6).get(0).data();
    }

    @Test
    void foldBatchNormMatchesTheUnfoldedGraph() throws Exception {
        Graph source = convBnNet();
        source.assignNames();
        Graph folded = source.copy();
        new FoldBatchNorm().apply(folded);
        folded.checkConsistency();
        assertEquals(List.of("Conv", "Relu", "BatchNormalization", "Conv"),
                folded.nodes().stream().map(Node::opType).toList());
        assertEquals("bn_relu", folded.nodes().get(2).name());
        Node c1 = folded.nodes().get(0);
        assertEquals("c1", c1.name());
        assertEquals("c1.bias", c1.input(2).name(), "a conv without bias gets one");
        assertEquals("bn1_out", c1.output().name(), "the conv output takes the BN output's name");
        assertEquals("c2.b", folded.nodes().get(3).input(2).name(), "an existing bias keeps its name");
        assertEquals("y", folded.outputs().get(0).name());
        assertSame(folded.nodes().get(3).output(), folded.outputs().get(0));
        List<Value> removed = folded.removeUnusedInitializers();
        assertEquals(List.of("bn1.weight", "bn1.bias", "bn1.mean", "bn1.var", "bn2.weight", "bn2.bias", "bn2.mean",
                "bn2.var"), removed.stream().map(Value::name).toList());
        for (int n : new int[] {1, 3}) {
            float[] x = TestArrays.randn(n, n * 3 * 6 * 6);
            float[] want = run(source, x, n);
            float[] got = run(folded, x, n);
            double diff = TestArrays.maxAbsDiff(want, got);
            assertTrue(diff < 1e-4, "folded differs from unfolded by " + diff);
        }
    }

    @Test
    void foldBatchNormLeavesSharedWeightsAndSecondBatchNormsAlone() {
        Graph g = new Graph("shared", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("image", DataType.FLOAT, Shape.batched("N", 3, 6, 6));
        Value w = b.parameter("w", random(1, -1f, 1f, 3, 3, 1, 1));
        Value a = bn(b, "bnA", b.conv("cA", x, w, null, ConvOptions.builder().build()), 3, 1);
        Value c = bn(b, "bnC", b.conv("cC", x, w, null, ConvOptions.builder().build()), 3, 2); // w is shared
        Value once = b.conv("cD", b.add("sum", a, c), b.parameter("wD", random(2, -1f, 1f, 3, 3, 1, 1)), null,
                ConvOptions.builder().build());
        b.output(bn(b, "bnE", bn(b, "bnD", once, 3, 3), 3, 4), "y"); // Conv, BN, BN: only bnD folds
        g.assignNames();
        new FoldBatchNorm().apply(g);
        g.checkConsistency();
        assertEquals(List.of("cA", "bnA", "cC", "bnC", "sum", "cD", "bnE"), g.nodes().stream().map(Node::name).toList());
    }

    private static Graph shiftNet(int c, int h, int w, float[] shift, int sh, int sw, boolean reluAfter) {
        Graph g = new Graph("asl", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("x", DataType.FLOAT, Shape.batched("N", c, h, w));
        Value y = b.activeShift("asl", x, b.parameter("asl.shift", Tensor.ofFloats(shift, c, 2)), sh, sw);
        b.output(reluAfter ? b.relu("relu", y) : y, "y");
        g.assignNames();
        return g;
    }

    private static float[] shifts(long seed, int c) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] s = new float[2 * c];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) ((r.nextDouble() * 2 - 1) * 2.3);
        }
        s[0] = 1f; // an exact integer
        return s;
    }

    @ParameterizedTest
    @EnumSource(value = AslLowering.class, names = {"PORTABLE", "DEPTHWISE"})
    void lowerActiveShiftMatchesTheReference(AslLowering lowering) throws Exception {
        int c = 4, h = 7, w = 9;
        for (boolean reluAfter : new boolean[] {false, true}) {
            for (int stride : new int[] {1, 2}) {
                float[] shift = shifts(c * 7L + stride, c);
                Graph g = shiftNet(c, h, w, shift, stride, stride, reluAfter);
                LowerActiveShift pass = new LowerActiveShift(lowering, 8, 17);
                pass.apply(g);
                assertEquals(lowering == AslLowering.DEPTHWISE ? List.of("asl.shift") : List.of(),
                        g.removeUnusedInitializers().stream().map(Value::name).toList(), "the kernel replaces the shift");
                g.checkConsistency();
                assertTrue(g.nodes().stream().noneMatch(n -> n.opType().equals("ActiveShift")));
                Node last = g.nodes().get(g.nodes().size() - (reluAfter ? 2 : 1));
                assertEquals("asl", last.name(), "the lowered form takes the ASL node's name");
                assertEquals(reluAfter ? "asl_out" : "y", last.output().name());
                assertEquals(1, pass.createdInitializers().size());
                assertEquals(lowering == AslLowering.DEPTHWISE ? AslLowerings.radius(shift) : -1, pass.maxRadiusUsed());
                int n = 2;
                float[] x = TestArrays.randn(stride, n * c * h * w);
                OrtRunner.Output out = OrtRunner.PLAIN.run(OnnxWriter.toBytes(new Model(g)), "x", x, n, c, h, w).get(0);
                assertArrayEquals(new long[] {n, c, (h + stride - 1) / stride, (w + stride - 1) / stride}, out.shape());
                double[] ref = new ActiveShiftReference(n, c, h, w, stride, stride)
                        .run(TestArrays.toDouble(x), TestArrays.toDouble(shift), null).y();
                if (reluAfter) {
                    for (int i = 0; i < ref.length; i++) {
                        ref[i] = Math.max(ref[i], 0);
                    }
                }
                double diff = TestArrays.maxAbsDiff(ref, out.data());
                double tol = lowering == AslLowering.DEPTHWISE ? 1e-5 : 1e-4;
                assertTrue(diff <= tol, lowering + " differs from the reference by " + diff);
            }
        }
    }

    @Test
    void customLoweringKeepsTheGraph() {
        Graph g = shiftNet(2, 4, 4, shifts(1, 2), 1, 1, true);
        byte[] before = OnnxWriter.toBytes(new Model(g));
        new LowerActiveShift(AslLowering.CUSTOM, 8, 17).apply(g);
        assertArrayEquals(before, OnnxWriter.toBytes(new Model(g)));
    }

    @Test
    void aRefusedLoweringLeavesTheNodeAsItWas() {
        Graph g = shiftNet(2, 6, 6, new float[] {0f, 0f, 5.5f, 0f}, 1, 1, true);
        IrException e = assertThrows(IrException.class, () -> new LowerActiveShift(AslLowering.DEPTHWISE, 2, 17).apply(g));
        assertTrue(e.getMessage().startsWith("ActiveShift node 'asl': the depthwise lowering needs radius 6"), e.getMessage());
        assertEquals("asl", g.nodes().get(0).name());
        assertEquals(2, g.nodes().size());
        g.checkConsistency();
    }

    @Test
    void orderByFirstUseKeepsBlocksTogether() {
        Graph g = new Graph("order", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("x", DataType.FLOAT, Shape.of(2));
        Value late = b.constant("late", Tensor.ofFloats(new float[] {1, 2}, 2));
        Value blockA = b.constant("blockA", Tensor.ofFloats(new float[] {3, 4}, 2));
        Value blockB = b.constant("blockB", Tensor.ofFloats(new float[] {5, 6}, 2));
        Value early = b.constant("early", Tensor.ofFloats(new float[] {7, 8}, 2));
        Value unused = b.constant("unused", Tensor.ofFloats(new float[] {9, 9}, 2));
        Value h = b.add(b.mul(x, early), blockB);
        b.output(b.add(b.add(h, late), blockA), "y");
        new OrderInitializersByFirstUse(List.of(List.of(blockA, blockB))).apply(g);
        assertEquals(List.of(early, blockA, blockB, late, unused), g.initializers());
    }
}
