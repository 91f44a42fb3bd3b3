package dev.asnet.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.ops.testing.OneNodeModel;
import dev.asnet.ops.testing.OpSessions;
import dev.asnet.ops.testing.OrtErrors;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * BatchNormReluShiftTraining and its gradient through ONNX Runtime against the chains of separate
 * ops they replace (BatchNormTraining with relu = 1, then ActiveShift; ActiveShiftGrad, then
 * BatchNormReluTrainingGrad), which TrainingOpsTest and the ActiveShift tests check against
 * double-precision references. The fused kernels do the same arithmetic in the same order, so the
 * outputs must be identical, on 1 and 2 threads; and bad inputs are clear errors.
 */
class BnReluShiftOpsTest {
    private static final float EPS = 1e-3f;
    private static OpSessions one;
    private static OpSessions two;

    @BeforeAll
    static void open() throws Exception {
        one = new OpSessions(1);
        two = new OpSessions(2);
    }

    @AfterAll
    static void close() throws Exception {
        one.close();
        two.close();
    }

    private static byte[] fusedModel(long sh, long sw) {
        return OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.BATCH_NORM_RELU_SHIFT_TRAINING)
                .input("X", OneNodeModel.FLOAT, "N", "C", "H", "W").input("scale", OneNodeModel.FLOAT, "C")
                .input("B", OneNodeModel.FLOAT, "C").input("shift", OneNodeModel.FLOAT, "C", 2L)
                .output("Y", OneNodeModel.FLOAT).output("mean", OneNodeModel.FLOAT).output("var", OneNodeModel.FLOAT)
                .real(AsnetDomain.EPSILON, EPS).ints(AsnetDomain.STRIDES, sh, sw).bytes();
    }

    private static byte[] fusedGradModel(long sh, long sw) {
        return OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.BATCH_NORM_RELU_SHIFT_TRAINING_GRAD)
                .input("dY", OneNodeModel.FLOAT, "N", "C", "OH", "OW").input("X", OneNodeModel.FLOAT, "N", "C", "H", "W")
                .input("scale", OneNodeModel.FLOAT, "C").input("B", OneNodeModel.FLOAT, "C")
                .input("mean", OneNodeModel.FLOAT, "C").input("var", OneNodeModel.FLOAT, "C")
                .input("shift", OneNodeModel.FLOAT, "C", 2L).output("dX", OneNodeModel.FLOAT)
                .output("dscale", OneNodeModel.FLOAT).output("dB", OneNodeModel.FLOAT).output("dShift", OneNodeModel.FLOAT)
                .real(AsnetDomain.EPSILON, EPS).ints(AsnetDomain.STRIDES, sh, sw).bytes();
    }

    private static byte[] bnReluModel() {
        return OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.BATCH_NORM_TRAINING)
                .input("X", OneNodeModel.FLOAT, (Object[]) null).input("scale", OneNodeModel.FLOAT, "C")
                .input("B", OneNodeModel.FLOAT, "C").output("Y", OneNodeModel.FLOAT)
                .output("mean", OneNodeModel.FLOAT).output("var", OneNodeModel.FLOAT)
                .real(AsnetDomain.EPSILON, EPS).integer(AsnetDomain.RELU, 1).bytes();
    }

    private static byte[] bnReluGradModel() {
        return OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.BATCH_NORM_RELU_TRAINING_GRAD)
                .input("dY", OneNodeModel.FLOAT, (Object[]) null).input("X", OneNodeModel.FLOAT, (Object[]) null)
                .input("scale", OneNodeModel.FLOAT, "C").input("B", OneNodeModel.FLOAT, "C")
                .input("mean", OneNodeModel.FLOAT, "C").input("var", OneNodeModel.FLOAT, "C")
                .output("dX", OneNodeModel.FLOAT).output("dscale", OneNodeModel.FLOAT).output("dB", OneNodeModel.FLOAT)
                .real(AsnetDomain.EPSILON, EPS).bytes();
    }

    private static float[] random(Random r, int n, double offset, double spread) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (offset + spread * r.nextGaussian());
        }
        return v;
    }

    @Test
    void matchesTheSeparateOpsExactly() throws Exception {
        long[][] cases = { // N, C, H, W, stride H, stride W
            {1, 1, 1, 1, 1, 1}, {2, 3, 5, 7, 1, 1}, {4, 16, 14, 14, 1, 1}, {2, 5, 28, 28, 1, 1}, {3, 8, 14, 14, 2, 2},
            {2, 3, 9, 11, 2, 1}, {2, 4, 7, 7, 1, 3}, {64, 2, 7, 7, 1, 1}, {1, 3, 16, 33, 2, 2}};
        Random r = new Random(5);
        int caseNo = 0;
        for (long[] k : cases) {
            for (OpSessions threads : new OpSessions[] {one, two}) {
                long[] xShape = {k[0], k[1], k[2], k[3]};
                int c = (int) k[1];
                int n = (int) (k[0] * k[1] * k[2] * k[3]);
                long oh = (k[2] - 1) / k[4] + 1;
                long ow = (k[3] - 1) / k[5] + 1;
                long[] yShape = {k[0], k[1], oh, ow};
                float[] x = random(r, n, caseNo % 2 == 0 ? 0.3 : 4, 1);
                float[] scale = random(r, c, 0.8, 0.5); // some negative: the ReLU keeps the other side
                float[] bias = random(r, c, 0, 0.3);
                float[] shift = random(r, 2 * c, 0, 2);
                shift[0] = Math.round(shift[0]); // an integer shift: the right-sided derivative
                float[] dy = random(r, (int) (k[0] * k[1] * oh * ow), 0, 1);
                String what = Arrays.toString(k) + " case " + caseNo++;
                Map<String, long[]> perChannel = Map.of("scale", new long[] {c}, "B", new long[] {c},
                        "mean", new long[] {c}, "var", new long[] {c}, "shift", new long[] {c, 2});

                float[][] bn = OpSessions.run(threads.session("bnrelu", bnReluModel()), Map.of("X", x, "scale", scale, "B", bias),
                        Map.of("X", xShape, "scale", perChannel.get("scale"), "B", perChannel.get("B")));
                float[][] shifted = OpSessions.run(threads.session("as" + k[4] + k[5], OneNodeModel.activeShift(k[4], k[5]).bytes()),
                        Map.of("X", bn[0], "shift", shift), Map.of("X", xShape, "shift", perChannel.get("shift")));
                float[][] fused = OpSessions.run(threads.session("fused" + k[4] + k[5], fusedModel(k[4], k[5])),
                        Map.of("X", x, "scale", scale, "B", bias, "shift", shift),
                        Map.of("X", xShape, "scale", perChannel.get("scale"), "B", perChannel.get("B"),
                                "shift", perChannel.get("shift")));
                assertArrayEquals(shifted[0], fused[0], what + " Y");
                assertArrayEquals(bn[1], fused[1], what + " mean");
                assertArrayEquals(bn[2], fused[2], what + " var");

                float[][] asGrad = OpSessions.run(threads.session("asg" + k[4] + k[5],
                                OneNodeModel.activeShiftGrad(k[4], k[5]).bytes()),
                        Map.of("dY", dy, "X", bn[0], "shift", shift),
                        Map.of("dY", yShape, "X", xShape, "shift", perChannel.get("shift")));
                float[][] bnGrad = OpSessions.run(threads.session("bnrelugrad", bnReluGradModel()),
                        Map.of("dY", asGrad[0], "X", x, "scale", scale, "B", bias, "mean", bn[1], "var", bn[2]),
                        Map.of("dY", xShape, "X", xShape, "scale", perChannel.get("scale"), "B", perChannel.get("B"),
                                "mean", perChannel.get("mean"), "var", perChannel.get("var")));
                float[][] fusedGrad = OpSessions.run(threads.session("fusedgrad" + k[4] + k[5], fusedGradModel(k[4], k[5])),
                        Map.of("dY", dy, "X", x, "scale", scale, "B", bias, "mean", bn[1], "var", bn[2], "shift", shift),
                        Map.of("dY", yShape, "X", xShape, "scale", perChannel.get("scale"), "B", perChannel.get("B"),
                                "mean", perChannel.get("mean"), "var", perChannel.get("var"), "shift", perChannel.get("shift")));
                assertArrayEquals(bnGrad[0], fusedGrad[0], what + " dX");
                assertArrayEquals(bnGrad[1], fusedGrad[1], what + " dscale");
                assertArrayEquals(bnGrad[2], fusedGrad[2], what + " dB");
                assertArrayEquals(asGrad[1], fusedGrad[3], what + " dShift");
            }
        }
    }

    @Test
    void emptyBatchGivesZeroStatisticsAndGradients() throws Exception {
        float[] two = {1, 2};
        Map<String, long[]> shapes = Map.of("X", new long[] {0, 2, 5, 5}, "scale", new long[] {2}, "B", new long[] {2},
                "shift", new long[] {2, 2});
        float[][] fwd = OpSessions.run(one.session("fused11", fusedModel(1, 1)),
                Map.of("X", new float[0], "scale", two, "B", two, "shift", new float[4]), shapes);
        assertEquals(0, fwd[0].length);
        assertArrayEquals(new float[2], fwd[1]);
        assertArrayEquals(new float[2], fwd[2]);
        float[][] grad = OpSessions.run(one.session("fusedgrad11", fusedGradModel(1, 1)),
                Map.of("dY", new float[0], "X", new float[0], "scale", two, "B", two, "mean", new float[2], "var", two,
                        "shift", new float[4]),
                Map.of("dY", new long[] {0, 2, 5, 5}, "X", new long[] {0, 2, 5, 5}, "scale", new long[] {2},
                        "B", new long[] {2}, "mean", new long[] {2}, "var", new long[] {2}, "shift", new long[] {2, 2}));
        assertEquals(0, grad[0].length);
        assertArrayEquals(new float[2], grad[1]);
        assertArrayEquals(new float[2], grad[2]);
        assertArrayEquals(new float[4], grad[3]);
    }

    @Test
    void badInputsAreClearErrors() throws Exception {
        OrtSession fwd = one.session("fused11", fusedModel(1, 1));
        float[] x = new float[2 * 3 * 4 * 4];
        float[] c3 = {1, 1, 1};
        Map<String, long[]> good = Map.of("X", new long[] {2, 3, 4, 4}, "scale", new long[] {3}, "B", new long[] {3},
                "shift", new long[] {3, 2});
        OrtErrors.expect(() -> OpSessions.run(fwd, Map.of("X", x, "scale", new float[2], "B", c3, "shift", new float[6]),
                Map.of("X", good.get("X"), "scale", new long[] {2}, "B", good.get("B"), "shift", good.get("shift"))),
                AsnetDomain.BATCH_NORM_RELU_SHIFT_TRAINING, "'scale'", "[3]");
        OrtErrors.expect(() -> OpSessions.run(fwd, Map.of("X", x, "scale", c3, "B", c3, "shift", new float[4]),
                Map.of("X", good.get("X"), "scale", good.get("scale"), "B", good.get("B"), "shift", new long[] {2, 2})),
                AsnetDomain.BATCH_NORM_RELU_SHIFT_TRAINING, "shift");
        float[] nanShift = {0, 0, Float.NaN, 0, 0, 0};
        OrtErrors.expect(() -> OpSessions.run(fwd, Map.of("X", x, "scale", c3, "B", c3, "shift", nanShift), good),
                AsnetDomain.BATCH_NORM_RELU_SHIFT_TRAINING, "channel 1");
        OrtSession grad = one.session("fusedgrad11", fusedGradModel(1, 1));
        Map<String, long[]> gradShapes = Map.of("dY", new long[] {2, 3, 4, 4}, "X", good.get("X"), "scale", good.get("scale"),
                "B", good.get("B"), "mean", new long[] {3}, "var", new long[] {3}, "shift", good.get("shift"));
        OrtErrors.expect(() -> OpSessions.run(grad, Map.of("dY", new float[2 * 3 * 4 * 3], "X", x, "scale", c3, "B", c3, "mean", c3,
                "var", c3, "shift", new float[6]), Map.of("dY", new long[] {2, 3, 4, 3}, "X", good.get("X"),
                        "scale", good.get("scale"), "B", good.get("B"), "mean", new long[] {3}, "var", new long[] {3},
                        "shift", good.get("shift"))),
                AsnetDomain.BATCH_NORM_RELU_SHIFT_TRAINING_GRAD, "dY");
        OrtErrors.expect(() -> OpSessions.run(grad, Map.of("dY", x, "X", x, "scale", c3, "B", c3, "mean", c3,
                "var", new float[] {1, -1, 1}, "shift", new float[6]), gradShapes),
                AsnetDomain.BATCH_NORM_RELU_SHIFT_TRAINING_GRAD, "'var' of channel 1");
    }

    @Test
    void badAttributesFailAtSessionCreation() {
        byte[] badEps = OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.BATCH_NORM_RELU_SHIFT_TRAINING)
                .input("X", OneNodeModel.FLOAT, "N", "C", "H", "W").input("scale", OneNodeModel.FLOAT, "C")
                .input("B", OneNodeModel.FLOAT, "C").input("shift", OneNodeModel.FLOAT, "C", 2L)
                .output("Y", OneNodeModel.FLOAT).output("mean", OneNodeModel.FLOAT).output("var", OneNodeModel.FLOAT)
                .real(AsnetDomain.EPSILON, -1f).bytes();
        OrtErrors.expect(() -> OpSessions.ENV.createSession(badEps, one.options()).close(),
                AsnetDomain.BATCH_NORM_RELU_SHIFT_TRAINING, "epsilon");
        OrtErrors.expect(() -> OpSessions.ENV.createSession(fusedGradModel(0, 1), one.options()).close(),
                AsnetDomain.BATCH_NORM_RELU_SHIFT_TRAINING_GRAD, "strides");
    }
}
