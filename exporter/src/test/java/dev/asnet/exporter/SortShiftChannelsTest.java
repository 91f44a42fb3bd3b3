package dev.asnet.exporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.export.AslLowering;
import dev.asnet.exporter.export.FoldBatchNorm;
import dev.asnet.exporter.export.LowerActiveShift;
import dev.asnet.exporter.export.SortShiftChannels;
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
import dev.asnet.exporter.testing.OrtRunner;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Ordering an ASL's channels by integer offset is a pure re-indexing: the network's output is the
 * same (run in ONNX Runtime in the depthwise lowering, which needs no op library), the shifts end
 * up sorted, and chains that cannot be permuted exactly are left alone.
 */
class SortShiftChannelsTest {
    private static final int C = 24;

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

    /** image [N,3,9,9] -> 1x1 conv (3->C, bias) -> BN -> Relu -> ASL (stride s) -> 1x1 conv (C->5) and a second 1x1 conv reader. */
    private static Graph net(int stride, float spread, boolean twoReaders) {
        Graph g = new Graph("sort", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("image", DataType.FLOAT, Shape.batched("N", 3, 9, 9));
        Value h = b.conv("expand", x, b.parameter("expand.weight", random(1, -1f, 1f, C, 3, 1, 1)),
                b.parameter("expand.bias", random(2, -1f, 1f, C)), ConvOptions.builder().build());
        h = b.batchNorm("bn", h, b.parameter("bn.weight", random(3, 0.5f, 2f, C)),
                b.parameter("bn.bias", random(4, -1f, 1f, C)), b.buffer("bn.mean", random(5, -1f, 1f, C)),
                b.buffer("bn.var", random(6, 0.2f, 3f, C)), 1e-3f);
        h = b.relu("relu", h);
        h = b.activeShift("asl", h, b.parameter("asl.shift", random(7, -spread, spread, C, 2)), stride, stride);
        Value y = b.conv("project", h, b.parameter("project.weight", random(8, -1f, 1f, 5, C, 1, 1)), null,
                ConvOptions.builder().build());
        if (twoReaders) {
            Value z = b.conv("side", h, b.parameter("side.weight", random(9, -1f, 1f, 5, C, 1, 1)), null,
                    ConvOptions.builder().build());
            y = b.add("sum", y, z);
        }
        b.output(y, "y");
        g.assignNames();
        return g;
    }

    private static float[] runDepthwise(Graph g, float[] x) throws Exception {
        Graph lowered = g.copy();
        new LowerActiveShift(AslLowering.DEPTHWISE, 8, Model.DEFAULT_OPSET).apply(lowered);
        lowered.removeUnusedInitializers();
        return OrtRunner.PLAIN.run(OnnxWriter.toBytes(new Model(lowered)), "image", x, 2, 3, 9, 9).get(0).data();
    }

    private static float[] shifts(Graph g) {
        return g.nodes().stream().filter(n -> n.opType().equals("ActiveShift")).findFirst().orElseThrow().input(1)
                .data().floats();
    }

    @ParameterizedTest(name = "stride {0}, shifts in +-{1}, fold BN {2}, two readers {3}")
    @CsvSource({"1, 3.3, true, false", "2, 4.7, true, false", "1, 1.0, false, false", "1, 2.5, true, true"})
    void reorderingKeepsTheOutputAndSortsTheShifts(int stride, float spread, boolean fold, boolean twoReaders)
            throws Exception {
        Graph source = net(stride, spread, twoReaders);
        if (fold) {
            new FoldBatchNorm().apply(source);
        }
        float[] before = shifts(source);
        Graph sorted = source.copy();
        SortShiftChannels pass = new SortShiftChannels();
        pass.apply(sorted);
        sorted.checkConsistency();
        assertEquals(1, pass.reordered());
        float[] after = shifts(sorted);
        int[] perm = SortShiftChannels.order(before);
        for (int k = 0; k < C; k++) {
            assertEquals(before[2 * perm[k]], after[2 * k]);
            assertEquals(before[2 * perm[k] + 1], after[2 * k + 1]);
            if (k > 0) {
                double y0 = Math.floor(after[2 * k - 1]);
                double y1 = Math.floor(after[2 * k + 1]);
                assertTrue(y0 < y1 || (y0 == y1 && Math.floor(after[2 * k - 2]) <= Math.floor(after[2 * k])),
                        "sorted by (floor y, floor x) at channel " + k);
            }
        }
        assertTrue(SortShiftChannels.offsetsPerBlock(after, 8) <= SortShiftChannels.offsetsPerBlock(before, 8));
        float[] x = random(11, -1f, 1f, 2, 3, 9, 9).floats();
        float[] want = runDepthwise(source, x);
        float[] got = runDepthwise(sorted, x);
        assertEquals(want.length, got.length);
        double scale = 0;
        for (float v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-5 * Math.max(1, scale), "output " + i);
        }
    }

    @Test
    void chainsThatCannotBePermutedExactlyAreLeftAlone() {
        // The ASL's output is also a graph output: its channel order is visible, so it must stay.
        Graph g = net(1, 3f, false);
        Node asl = g.nodes().stream().filter(n -> n.opType().equals("ActiveShift")).findFirst().orElseThrow();
        new GraphBuilder(g).output(asl.output(), "asl_out");
        float[] before = shifts(g);
        SortShiftChannels pass = new SortShiftChannels();
        pass.apply(g);
        assertEquals(0, pass.reordered());
        assertArrayEquals(before, shifts(g));

        // A depthwise reader would need its own weights permuted along the output axis too: left alone.
        Graph d = new Graph("dw", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(d);
        Value x = b.input("image", DataType.FLOAT, Shape.batched("N", C, 5, 5));
        Value h = b.relu("relu", b.conv("pw", x, b.parameter("pw.weight", random(1, -1f, 1f, C, C, 1, 1)), null,
                ConvOptions.builder().build()));
        h = b.activeShift("asl", h, b.parameter("asl.shift", random(2, -3f, 3f, C, 2)), 1, 1);
        b.output(b.conv("dw", h, b.parameter("dw.weight", random(3, -1f, 1f, C, 1, 3, 3)), null,
                ConvOptions.builder().optGroups(C).optPad(1).build()), "y");
        float[] dBefore = shifts(d);
        pass.apply(d);
        assertEquals(0, pass.reordered());
        assertArrayEquals(dBefore, shifts(d));
    }

    @Test
    void offsetsPerBlockCountsDistinctIntegerOffsets() {
        // Channels 0-3: offsets (0,0), (0,0), (-1,0), (0,1); block of 2: {1}, {2} -> 1.5; block of 4: {3}.
        float[] s = {0.2f, 0.5f, 0.9f, 0.1f, 0.3f, -0.5f, 1.2f, 0.4f};
        assertEquals(1.5, SortShiftChannels.offsetsPerBlock(s, 2), 1e-12);
        assertEquals(3.0, SortShiftChannels.offsetsPerBlock(s, 4), 1e-12);
        assertArrayEquals(new int[] {2, 0, 1, 3}, SortShiftChannels.order(s));
    }
}
