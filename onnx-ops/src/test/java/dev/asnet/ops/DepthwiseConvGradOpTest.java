package dev.asnet.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.ops.testing.OneNodeModel;
import dev.asnet.ops.testing.OpSessions;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code dev.asnet::DepthwiseConvGrad} through ONNX Runtime against a double-precision Java
 * reference written from the depthwise convolution's definition, on kernel sizes, strides and
 * asymmetric pads, with 1 and 2 threads; and its errors for bad shapes and attributes.
 */
class DepthwiseConvGradOpTest {
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

    private static byte[] model(long[] strides, long[] pads) {
        return OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.DEPTHWISE_CONV_GRAD)
                .input("dY", OneNodeModel.FLOAT, (Object[]) null).input("X", OneNodeModel.FLOAT, (Object[]) null)
                .input("W", OneNodeModel.FLOAT, (Object[]) null).output("dX", OneNodeModel.FLOAT)
                .output("dW", OneNodeModel.FLOAT).ints(AsnetDomain.STRIDES, strides).ints(AsnetDomain.PADS, pads).bytes();
    }

    /** One case: X [n, c, h, w], W [c, 1, kh, kw], strides, pads (top, left, bottom, right). */
    private record Case(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int[] pads) {
        int oh() {
            return (h + pads[0] + pads[2] - kh) / sh + 1;
        }

        int ow() {
            return (w + pads[1] + pads[3] - kw) / sw + 1;
        }

        /** {dX, dW} from the definition: every output's gradient flows to the taps it read. */
        double[][] reference(float[] dy, float[] x, float[] wt) {
            double[] dx = new double[x.length];
            double[] dw = new double[wt.length];
            for (int b = 0; b < n; b++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int i = 0; i < oh(); i++) {
                        for (int j = 0; j < ow(); j++) {
                            double g = dy[((b * c + ch) * oh() + i) * ow() + j];
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int r = i * sh + ky - pads[0];
                                    int q = j * sw + kx - pads[1];
                                    if (r < 0 || r >= h || q < 0 || q >= w) {
                                        continue;
                                    }
                                    int xi = ((b * c + ch) * h + r) * w + q;
                                    int wi = (ch * kh + ky) * kw + kx;
                                    dx[xi] += wt[wi] * g;
                                    dw[wi] += x[xi] * g;
                                }
                            }
                        }
                    }
                }
            }
            return new double[][] {dx, dw};
        }
    }

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static float[][] run(OpSessions s, Case k, float[] dy, float[] x, float[] w) throws OrtException {
        return OpSessions.run(s.session(Arrays.toString(new int[] {k.sh, k.sw}) + Arrays.toString(k.pads),
                        model(new long[] {k.sh, k.sw}, Arrays.stream(k.pads).asLongStream().toArray())),
                Map.of("dY", dy, "X", x, "W", w),
                Map.of("dY", new long[] {k.n, k.c, k.oh(), k.ow()}, "X", new long[] {k.n, k.c, k.h, k.w},
                        "W", new long[] {k.c, 1, k.kh, k.kw}));
    }

    @Test
    void matchesTheDefinitionOnManyShapes() throws Exception {
        Case[] cases = {
            new Case(1, 1, 1, 1, 1, 1, 1, 1, new int[] {0, 0, 0, 0}),
            new Case(2, 3, 7, 6, 3, 3, 1, 1, new int[] {1, 1, 1, 1}),
            new Case(2, 4, 7, 6, 3, 3, 2, 2, new int[] {1, 1, 1, 1}),
            new Case(3, 2, 9, 11, 5, 3, 3, 2, new int[] {2, 0, 1, 2}),
            new Case(1, 5, 4, 4, 2, 4, 1, 3, new int[] {0, 1, 0, 2}),
            new Case(4, 16, 28, 28, 3, 3, 1, 1, new int[] {1, 1, 1, 1}),
            new Case(4, 32, 28, 28, 3, 3, 2, 2, new int[] {1, 1, 1, 1}),
            new Case(2, 3, 2, 2, 5, 5, 1, 1, new int[] {2, 2, 2, 2}), // kernel wider than the image
            new Case(0, 3, 5, 5, 3, 3, 1, 1, new int[] {1, 1, 1, 1}), // empty batch: dW is 0
        };
        Random r = new Random(3);
        for (Case k : cases) {
            float[] x = random(r, k.n * k.c * k.h * k.w);
            float[] w = random(r, k.c * k.kh * k.kw);
            float[] dy = random(r, k.n * k.c * k.oh() * k.ow());
            double[][] want = k.reference(dy, x, w);
            for (OpSessions s : new OpSessions[] {one, two}) {
                float[][] got = run(s, k, dy, x, w);
                assertClose(want[0], got[0], 1e-5, k + " dX");
                assertClose(want[1], got[1], 1e-5, k + " dW");
            }
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() throws Exception {
        Case k = new Case(8, 24, 14, 14, 3, 3, 1, 1, new int[] {1, 1, 1, 1});
        Random r = new Random(4);
        float[] x = random(r, k.n * k.c * k.h * k.w);
        float[] w = random(r, k.c * 9);
        float[] dy = random(r, k.n * k.c * k.oh() * k.ow());
        float[][] a = run(one, k, dy, x, w);
        float[][] b = run(two, k, dy, x, w);
        assertArrayEquals(a[0], b[0]);
        assertArrayEquals(a[1], b[1]);
    }

    private static void assertClose(double[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + " length");
        double scale = 1;
        for (double v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], tol * scale, what + "[" + i + "]");
        }
    }

    private static void expectError(Case k, long[] dyShape, long[] wShape, long[] pads, String... fragments) {
        OrtException e = assertThrows(OrtException.class, () -> OpSessions.run(
                one.session("bad" + Arrays.toString(pads), model(new long[] {k.sh, k.sw}, pads)),
                Map.of("dY", new float[(int) Arrays.stream(dyShape).reduce(1, (a, b) -> a * b)],
                        "X", new float[k.n * k.c * k.h * k.w],
                        "W", new float[(int) Arrays.stream(wShape).reduce(1, (a, b) -> a * b)]),
                Map.of("dY", dyShape, "X", new long[] {k.n, k.c, k.h, k.w}, "W", wShape)));
        assertTrue(e.getMessage().contains(AsnetDomain.DEPTHWISE_CONV_GRAD), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' should mention '" + f + "'");
        }
    }

    @Test
    void badInputsAreNamed() {
        Case k = new Case(1, 2, 5, 5, 3, 3, 1, 1, new int[] {1, 1, 1, 1});
        long[] zero = {0, 0, 0, 0};
        long[] one4 = {1, 1, 1, 1};
        expectError(k, new long[] {1, 2, 4, 5}, new long[] {2, 1, 3, 3}, one4, "dY must have the Conv's output shape [1,2,5,5]");
        expectError(k, new long[] {1, 2, 5, 5}, new long[] {3, 1, 3, 3}, one4, "W must be [C, 1, kH, kW] with C = 2");
        expectError(k, new long[] {1, 2, 5, 5}, new long[] {2, 2, 3, 3}, one4, "W must be [C, 1, kH, kW]");
        expectError(k, new long[] {1, 2, 1, 1}, new long[] {2, 1, 7, 7}, zero, "7x7 kernel does not fit X [1,2,5,5]");
        expectError(k, new long[] {1, 2, 5, 5}, new long[] {2, 1, 3, 3}, new long[] {1, 1, 1}, "'pads' must have 4 values");
        expectError(k, new long[] {1, 2, 5, 5}, new long[] {2, 1, 3, 3}, new long[] {1, -1, 1, 1}, "'pads' must be >= 0");
        expectError(k, new long[] {1, 2, 5, 5}, new long[] {2, 1, 3, 3}, new long[] {Long.MAX_VALUE, 0, 1, 0}, "overflow");
    }
}
