package dev.asnet.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.ops.testing.OneNodeModel;
import dev.asnet.ops.testing.OpSessions;
import dev.asnet.ops.testing.OrtErrors;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fused training ops (BatchNormTraining, BatchNormTrainingGrad, ReluGrad, SgdMomentumUpdate) through ONNX Runtime
 * against a plain double-precision Java reference, on many shapes and on 1 and 2 threads, and
 * their error messages for bad inputs and attributes.
 */
class TrainingOpsTest {
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

    private static byte[] bnModel(float eps) {
        return OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.BATCH_NORM_TRAINING)
                .input("X", OneNodeModel.FLOAT, (Object[]) null).input("scale", OneNodeModel.FLOAT, "C")
                .input("B", OneNodeModel.FLOAT, "C").output("Y", OneNodeModel.FLOAT)
                .output("mean", OneNodeModel.FLOAT).output("var", OneNodeModel.FLOAT)
                .real(AsnetDomain.EPSILON, eps).bytes();
    }

    private static byte[] bnGradModel(float eps) {
        return OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.BATCH_NORM_TRAINING_GRAD)
                .input("dY", OneNodeModel.FLOAT, (Object[]) null).input("X", OneNodeModel.FLOAT, (Object[]) null)
                .input("scale", OneNodeModel.FLOAT, "C").input("mean", OneNodeModel.FLOAT, "C")
                .input("var", OneNodeModel.FLOAT, "C").output("dX", OneNodeModel.FLOAT)
                .output("dscale", OneNodeModel.FLOAT).output("dB", OneNodeModel.FLOAT)
                .real(AsnetDomain.EPSILON, eps).bytes();
    }

    private static byte[] reluGradModel() {
        return OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.RELU_GRAD)
                .input("dY", OneNodeModel.FLOAT, (Object[]) null).input("Y", OneNodeModel.FLOAT, (Object[]) null)
                .output("dX", OneNodeModel.FLOAT).bytes();
    }

    /** Double-precision reference: {y, mean, var, dx, dscale, dB} from the definitions. */
    private static double[][] reference(float[] x, float[] dy, float[] scale, float[] bias, long[] shape) {
        int n = (int) shape[0];
        int c = (int) shape[1];
        int s = 1;
        for (int i = 2; i < shape.length; i++) {
            s *= (int) shape[i];
        }
        double[] y = new double[x.length];
        double[] dx = new double[x.length];
        double[] mean = new double[c];
        double[] var = new double[c];
        double[] ds = new double[c];
        double[] db = new double[c];
        double m = (double) n * s;
        for (int ch = 0; ch < c && m > 0; ch++) {
            double mu = 0;
            double v = 0;
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < s; i++) {
                    mu += x[(b * c + ch) * s + i];
                }
            }
            mu /= m;
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < s; i++) {
                    double d = x[(b * c + ch) * s + i] - mu;
                    v += d * d;
                }
            }
            v /= m;
            double inv = 1 / Math.sqrt(v + EPS);
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < s; i++) {
                    int k = (b * c + ch) * s + i;
                    double xhat = (x[k] - mu) * inv;
                    y[k] = scale[ch] * xhat + bias[ch];
                    db[ch] += dy[k];
                    ds[ch] += dy[k] * xhat;
                }
            }
            for (int b = 0; b < n; b++) {
                for (int i = 0; i < s; i++) {
                    int k = (b * c + ch) * s + i;
                    double xhat = (x[k] - mu) * inv;
                    dx[k] = scale[ch] * inv * (dy[k] - db[ch] / m - xhat * ds[ch] / m);
                }
            }
            mean[ch] = mu;
            var[ch] = v;
        }
        return new double[][] {y, mean, var, dx, ds, db};
    }

    private static float[] random(Random r, int n, double offset) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (offset + r.nextGaussian());
        }
        return v;
    }

    private static void assertClose(double[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + " length");
        double scale = 1;
        for (double w : want) {
            scale = Math.max(scale, Math.abs(w));
        }
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * scale, what + "[" + i + "]");
        }
    }

    @Test
    void matchesReferenceOnManyShapes() throws Exception {
        long[][] shapes = {{1, 1, 1, 1}, {2, 3, 1, 1}, {4, 5}, {2, 3, 7, 5}, {8, 16, 14, 14}, {3, 2, 9}, {1, 4, 56, 56},
            {64, 3, 4, 4}, {0, 3, 2, 2}, {2, 0, 3, 3}};
        Random r = new Random(1);
        int caseNo = 0;
        for (long[] shape : shapes) {
            for (OpSessions threads : new OpSessions[] {one, two}) {
                int n = 1;
                for (long d : shape) {
                    n *= (int) d;
                }
                int c = (int) shape[1];
                float[] x = random(r, n, caseNo % 2 == 0 ? 0 : 4);
                float[] dy = random(r, n, 0);
                float[] scale = random(r, c, 1);
                float[] bias = random(r, c, 0);
                double[][] ref = reference(x, dy, scale, bias, shape);
                String what = java.util.Arrays.toString(shape) + " case " + caseNo++;
                float[][] fwd = OpSessions.run(threads.session("bn", bnModel(EPS)),
                        Map.of("X", x, "scale", scale, "B", bias), Map.of("X", shape, "scale", new long[] {c}, "B", new long[] {c}));
                assertClose(ref[0], fwd[0], 2e-5, what + " Y");
                assertClose(ref[1], fwd[1], 2e-6, what + " mean");
                assertClose(ref[2], fwd[2], 2e-5, what + " var");
                float[] mean = new float[c];
                float[] var = new float[c];
                for (int i = 0; i < c; i++) {
                    mean[i] = (float) ref[1][i];
                    var[i] = (float) ref[2][i];
                }
                float[][] grad = OpSessions.run(threads.session("bngrad", bnGradModel(EPS)),
                        Map.of("dY", dy, "X", x, "scale", scale, "mean", mean, "var", var),
                        Map.of("dY", shape, "X", shape, "scale", new long[] {c}, "mean", new long[] {c}, "var", new long[] {c}));
                assertClose(ref[3], grad[0], 1e-4, what + " dX");
                assertClose(ref[4], grad[1], 1e-4, what + " dscale");
                assertClose(ref[5], grad[2], 1e-4, what + " dB");
                float[][] relu = OpSessions.run(threads.session("relugrad", reluGradModel()), Map.of("dY", dy, "Y", x),
                        Map.of("dY", shape, "Y", shape));
                for (int i = 0; i < n; i++) {
                    assertEquals(x[i] > 0 ? dy[i] : 0f, relu[0][i], what + " ReluGrad[" + i + "]");
                }
            }
        }
    }

    @Test
    void dxAddIsAddedAsAnAddWould() throws Exception {
        long[] shape = {3, 4, 5, 5};
        int n = 300;
        Random r = new Random(12);
        float[] x = random(r, n, 1);
        float[] dy = random(r, n, 0);
        float[] add = random(r, n, 0);
        float[] scale = random(r, 4, 1);
        float[] mean = {0.9f, 1.1f, 1.0f, 0.95f};
        float[] var = {1.0f, 0.8f, 1.2f, 0.9f};
        byte[] withAdd = OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.BATCH_NORM_TRAINING_GRAD)
                .input("dY", OneNodeModel.FLOAT, (Object[]) null).input("X", OneNodeModel.FLOAT, (Object[]) null)
                .input("scale", OneNodeModel.FLOAT, "C").input("mean", OneNodeModel.FLOAT, "C")
                .input("var", OneNodeModel.FLOAT, "C").input("dX_add", OneNodeModel.FLOAT, (Object[]) null)
                .output("dX", OneNodeModel.FLOAT).output("dscale", OneNodeModel.FLOAT).output("dB", OneNodeModel.FLOAT)
                .real(AsnetDomain.EPSILON, EPS).bytes();
        Map<String, long[]> shapes = Map.of("dY", shape, "X", shape, "scale", new long[] {4}, "mean", new long[] {4},
                "var", new long[] {4}, "dX_add", shape);
        float[][] plain = OpSessions.run(two.session("bngrad", bnGradModel(EPS)),
                Map.of("dY", dy, "X", x, "scale", scale, "mean", mean, "var", var), shapes);
        float[][] summed = OpSessions.run(two.session("bngradadd", withAdd),
                Map.of("dY", dy, "X", x, "scale", scale, "mean", mean, "var", var, "dX_add", add), shapes);
        for (int i = 0; i < n; i++) {
            assertEquals(plain[0][i] + add[i], summed[0][i], "dX[" + i + "]");
        }
        assertArrayEquals(plain[1], summed[1], "dscale");
        assertArrayEquals(plain[2], summed[2], "dB");
        OrtErrors.expect(() -> OpSessions.run(one.session("bngradadd", withAdd),
                Map.of("dY", dy, "X", x, "scale", scale, "mean", mean, "var", var, "dX_add", new float[4]),
                Map.of("dY", shape, "X", shape, "scale", new long[] {4}, "mean", new long[] {4}, "var", new long[] {4},
                        "dX_add", new long[] {4})), "BatchNormTrainingGrad", "dX_add");
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() throws Exception {
        long[] shape = {16, 24, 28, 28};
        Random r = new Random(2);
        int n = 16 * 24 * 28 * 28;
        float[] x = random(r, n, 0.5);
        float[] scale = random(r, 24, 1);
        float[] bias = random(r, 24, 0);
        Map<String, long[]> shapes = Map.of("X", shape, "scale", new long[] {24}, "B", new long[] {24});
        float[][] a = OpSessions.run(one.session("bn", bnModel(EPS)), Map.of("X", x, "scale", scale, "B", bias), shapes);
        float[][] b = OpSessions.run(two.session("bn", bnModel(EPS)), Map.of("X", x, "scale", scale, "B", bias), shapes);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(a[i], b[i], "output " + i);
        }
    }

    /**
     * An empty batch whose spatial sizes multiply past 2^63: no size product may
     * overflow; the statistics of a channel with no values are 0 and the gradients are empty/zero.
     */
    @Test
    void emptyBatchWithHugeSpatialSizes() throws Exception {
        long big = 1L << 40;
        long[] shape = {0, 2, big, big, 1};
        float[] scale = {1, 2};
        float[] bias = {0.5f, -0.5f};
        float[][] fwd = OpSessions.run(one.session("bn", bnModel(EPS)), Map.of("X", new float[0], "scale", scale, "B", bias),
                Map.of("X", shape, "scale", new long[] {2}, "B", new long[] {2}));
        assertEquals(0, fwd[0].length);
        assertArrayEquals(new float[] {0, 0}, fwd[1]);
        assertArrayEquals(new float[] {0, 0}, fwd[2]);
        float[][] grad = OpSessions.run(one.session("bngrad", bnGradModel(EPS)),
                Map.of("dY", new float[0], "X", new float[0], "scale", scale, "mean", new float[2], "var", new float[] {1, 1}),
                Map.of("dY", shape, "X", shape, "scale", new long[] {2}, "mean", new long[] {2}, "var", new long[] {2}));
        assertEquals(0, grad[0].length);
        assertArrayEquals(new float[] {0, 0}, grad[1]);
        assertArrayEquals(new float[] {0, 0}, grad[2]);
    }

    @Test
    void badInputsAreClearErrors() throws Exception {
        OrtSession bn = one.session("bn", bnModel(EPS));
        OrtErrors.expect(() -> OpSessions.run(bn, Map.of("X", new float[6], "scale", new float[2], "B", new float[2]),
                Map.of("X", new long[] {2, 3}, "scale", new long[] {2}, "B", new long[] {2})),
                "BatchNormTraining", "'scale'", "[3]");
        OrtErrors.expect(() -> OpSessions.run(bn, Map.of("X", new float[3], "scale", new float[3], "B", new float[3]),
                Map.of("X", new long[] {3}, "scale", new long[] {3}, "B", new long[] {3})),
                "BatchNormTraining", "rank >= 2");
        OrtSession grad = one.session("bngrad", bnGradModel(EPS));
        float[] ones = {1, 1};
        OrtErrors.expect(() -> OpSessions.run(grad,
                Map.of("dY", new float[8], "X", new float[4], "scale", ones, "mean", ones, "var", ones),
                Map.of("dY", new long[] {4, 2}, "X", new long[] {2, 2}, "scale", new long[] {2}, "mean", new long[] {2},
                        "var", new long[] {2})),
                "BatchNormTrainingGrad", "dY", "[2,2]", "[4,2]");
        OrtErrors.expect(() -> OpSessions.run(grad,
                Map.of("dY", new float[4], "X", new float[4], "scale", ones, "mean", ones, "var", new float[] {1, -1}),
                Map.of("dY", new long[] {2, 2}, "X", new long[] {2, 2}, "scale", new long[] {2}, "mean", new long[] {2},
                        "var", new long[] {2})),
                "BatchNormTrainingGrad", "'var' of channel 1");
        OrtSession relu = one.session("relugrad", reluGradModel());
        OrtErrors.expect(() -> OpSessions.run(relu, Map.of("dY", new float[4], "Y", new float[6]),
                Map.of("dY", new long[] {4}, "Y", new long[] {2, 3})), "ReluGrad", "[2,3]", "[4]");
    }

    private static byte[] sgdModel(float momentum, float decay, long nesterov) {
        return OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.SGD_MOMENTUM_UPDATE)
                .input("P", OneNodeModel.FLOAT, (Object[]) null).input("G", OneNodeModel.FLOAT, (Object[]) null)
                .input("V", OneNodeModel.FLOAT, (Object[]) null).input("lr", OneNodeModel.FLOAT, (Object[]) null)
                .output("P_out", OneNodeModel.FLOAT).output("V_out", OneNodeModel.FLOAT)
                .real(AsnetDomain.MOMENTUM, momentum).real(AsnetDomain.WEIGHT_DECAY, decay)
                .integer(AsnetDomain.NESTEROV, nesterov).bytes();
    }

    @Test
    void sgdStepMatchesItsDefinition() throws Exception {
        // Against the definition in float, each product and sum rounded as separate ops round it.
        Random r = new Random(9);
        for (long nesterov : new long[] {0, 1}) {
            float[] p = random(r, 37, 0);
            float[] g = random(r, 37, 0);
            float[] v = random(r, 37, 0);
            float lr = 0.05f;
            float mom = 0.9f;
            float wd = 5e-4f;
            float[][] out = OpSessions.run(two.session("sgd" + nesterov, sgdModel(mom, wd, nesterov)),
                    Map.of("P", p, "G", g, "V", v, "lr", new float[] {lr}),
                    Map.of("P", new long[] {37}, "G", new long[] {37}, "V", new long[] {37}, "lr", new long[0]));
            for (int i = 0; i < 37; i++) {
                float gi = g[i] + p[i] * wd;
                float vi = v[i] * mom + gi;
                float step = nesterov == 1 ? gi + vi * mom : vi;
                assertEquals(vi, out[1][i], "V_out[" + i + "]");
                assertEquals(p[i] - step * lr, out[0][i], "P_out[" + i + "]");
            }
        }
    }

    @Test
    void sgdBadInputsAndAttributesAreClearErrors() throws Exception {
        OrtSession sgd = one.session("sgd1", sgdModel(0.9f, 0f, 1));
        float[] four = new float[4];
        OrtErrors.expect(() -> OpSessions.run(sgd, Map.of("P", four, "G", new float[3], "V", four, "lr", new float[] {0.1f}),
                Map.of("P", new long[] {4}, "G", new long[] {3}, "V", new long[] {4}, "lr", new long[0])),
                AsnetDomain.SGD_MOMENTUM_UPDATE, "G", "[4]", "[3]");
        OrtErrors.expect(() -> OpSessions.run(sgd, Map.of("P", four, "G", four, "V", four, "lr", new float[2]),
                Map.of("P", new long[] {4}, "G", new long[] {4}, "V", new long[] {4}, "lr", new long[] {2})),
                AsnetDomain.SGD_MOMENTUM_UPDATE, "'lr'", "one value");
        OrtErrors.expect(() -> OpSessions.run(sgd, Map.of("P", four, "G", four, "V", four, "lr", new float[] {Float.NaN}),
                Map.of("P", new long[] {4}, "G", new long[] {4}, "V", new long[] {4}, "lr", new long[0])),
                AsnetDomain.SGD_MOMENTUM_UPDATE, "'lr'", "finite");
        OrtErrors.expect(() -> OpSessions.ENV.createSession(sgdModel(0.9f, -1f, 0), one.options()).close(),
                AsnetDomain.SGD_MOMENTUM_UPDATE, "weight_decay");
        OrtErrors.expect(() -> OpSessions.ENV.createSession(sgdModel(0.9f, 0f, 2), one.options()).close(),
                AsnetDomain.SGD_MOMENTUM_UPDATE, "nesterov");
    }

    @Test
    void badEpsilonFailsAtSessionCreation() {
        for (float eps : new float[] {0f, -1f, Float.NaN}) {
            OrtErrors.expect(() -> OpSessions.ENV.createSession(bnModel(eps), one.options()).close(),
                    "BatchNormTraining", "epsilon");
            OrtErrors.expect(() -> OpSessions.ENV.createSession(bnGradModel(eps), one.options()).close(),
                    "BatchNormTrainingGrad", "epsilon");
        }
    }
}
