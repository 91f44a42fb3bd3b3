package dev.asnet.exporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.ConvOptions;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.exporter.ops.OpRegistry;
import dev.asnet.exporter.ops.PoolOptions;
import dev.asnet.exporter.testing.OrtRunner;
import dev.asnet.exporter.testing.TestArrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every typed builder method, run in ONNX Runtime: the shapes ONNX Runtime produces must be the
 * shapes the IR inferred, and a few results are checked against plain Java arithmetic.
 */
class StandardOpsOrtTest {
    @Test
    void inferredShapesMatchOnnxRuntime() throws Exception {
        Graph g = new Graph("ops", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("x", DataType.FLOAT, Shape.batched("N", 4, 11, 9));
        List<Value> outs = new java.util.ArrayList<>();
        Value conv = b.conv("conv", x, b.parameter("w", Tensor.ofFloats(TestArrays.randn(1, 6 * 2 * 3 * 3), 6, 2, 3, 3)),
                b.parameter("bias", Tensor.ofFloats(TestArrays.randn(2, 6), 6)),
                ConvOptions.builder().optStrides(2, 1).optPads(1, 0, 2, 1).optDilations(1, 2).optGroups(2).build());
        outs.add(conv);
        Value bn = b.batchNorm("bn", conv, b.parameter(null, Tensor.ofFloats(new float[] {1, 2, 1, 1, 1, 1}, 6)),
                b.parameter(null, Tensor.ofFloats(new float[6], 6)), b.buffer(null, Tensor.ofFloats(new float[6], 6)),
                b.buffer(null, Tensor.ofFloats(new float[] {1, 1, 1, 1, 1, 1}, 6)), 1e-5f);
        Value act = b.relu6("act", b.relu("relu", bn));
        outs.add(b.maxPool("maxpool", act, PoolOptions.builder().setKernel(3, 3).optStride(2).optPad(1).build()));
        outs.add(b.averagePool("avgpool", act, PoolOptions.builder().setKernel(3, 3).optStride(2).optCeilMode(true).build()));
        Value gap = b.globalAveragePool("gap", act);
        outs.add(gap);
        Value flat = b.flatten("flatten", gap, 1);
        Value reshaped = b.reshape("reshape", act, 0, 6, -1);
        outs.add(reshaped);
        Value fc = b.linear("fc", flat, b.parameter(null, Tensor.ofFloats(TestArrays.randn(3, 5 * 6), 5, 6)),
                b.parameter(null, Tensor.ofFloats(TestArrays.randn(4, 5), 5)));
        outs.add(b.softmax("softmax", fc, -1));
        outs.add(b.matMul("matmul", fc, b.constant(null, Tensor.ofFloats(TestArrays.randn(5, 5 * 7), 5, 7))));
        outs.add(b.concat("concat", 1, fc, flat, fc));
        outs.add(b.div("div", b.sub("sub", b.mul("mul", fc, fc), fc), b.scalar(2f)));
        outs.add(b.transpose("transpose", act, 0, 2, 3, 1));
        for (int i = 0; i < outs.size(); i++) {
            b.output(outs.get(i), "out" + i);
        }
        byte[] bytes = OnnxWriter.toBytes(new Model(g));
        int n = 2;
        float[] input = TestArrays.randn(9, n * 4 * 11 * 9);
        List<OrtRunner.Output> results = OrtRunner.PLAIN.run(bytes, "x", input, n, 4, 11, 9);
        assertEquals("[N, 6, 3, 3]", outs.get(2).shape().toString(), "ceil_mode rounds (6 - 3) / 2 up");
        for (int i = 0; i < outs.size(); i++) {
            long[] inferred = outs.get(i).shape().with(0, dev.asnet.exporter.ir.Dim.of(n)).toArray();
            assertArrayEquals(inferred, results.get(i).shape(), "output " + i + " of " + outs.get(i).producer().describe());
        }
        // The softmax rows sum to 1, and the concat holds fc, then the flattened pool, then fc.
        float[] sm = results.get(5).data();
        for (int r = 0; r < n; r++) {
            double sum = 0;
            for (int c = 0; c < 5; c++) {
                sum += sm[r * 5 + c];
            }
            assertEquals(1.0, sum, 1e-5);
        }
        float[] cat = results.get(7).data();
        float[] gapData = results.get(3).data();
        for (int c = 0; c < 6; c++) {
            assertEquals(gapData[c], cat[5 + c], 0f);
        }
        float[] act6 = results.get(4).data();
        for (float v : act6) {
            assertTrue(v >= 0 && v <= 6, "relu6 output " + v + " outside [0, 6]");
        }
    }

    @Test
    void gemmMatchesJava() throws Exception {
        Graph g = new Graph("gemm", OpRegistry.standard());
        GraphBuilder b = new GraphBuilder(g);
        Value x = b.input("x", DataType.FLOAT, Shape.batched("N", 3));
        float[] w = {1, 2, 3, -1, 0.5f, 2};
        float[] bias = {0.25f, -1};
        b.output(b.linear("fc", x, b.parameter("w", Tensor.ofFloats(w, 2, 3)), b.parameter("b", Tensor.ofFloats(bias, 2))), "y");
        float[] in = {1, 2, 3, -2, 0, 1};
        float[] y = OrtRunner.PLAIN.run(OnnxWriter.toBytes(new Model(g)), "x", in, 2, 3).get(0).data();
        assertArrayEquals(new float[] {14.25f, 5f, 1.25f, 3f}, y, 1e-6f);
    }
}
