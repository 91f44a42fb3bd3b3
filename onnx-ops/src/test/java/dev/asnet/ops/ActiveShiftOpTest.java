package dev.asnet.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtSession;
import dev.asnet.ops.testing.ActiveShiftReference;
import dev.asnet.ops.testing.OneNodeModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** ActiveShift and ActiveShiftGrad through ONNX Runtime against the Java reference. */
class ActiveShiftOpTest {
    private static OpSessions single;
    private static OpSessions multi;

    private static final int[][] SHAPES = {
        {1, 1, 1, 1}, {2, 3, 1, 1}, {1, 1, 1, 9}, {1, 2, 9, 1}, {1, 4, 5, 5}, {3, 5, 8, 9},
        {1, 3, 13, 17}, {2, 16, 31, 33}, {0, 3, 4, 4}, {2, 0, 4, 4}, {64, 2, 5, 7}, {1, 8, 56, 56},
    };

    @BeforeAll
    static void open() throws Exception {
        single = new OpSessions(1);
        multi = new OpSessions(2);
    }

    @AfterAll
    static void close() throws Exception {
        single.close();
        multi.close();
    }

    /** One case: shape, strides and how shifts are drawn. */
    record Case(int n, int c, int h, int w, int sh, int sw, double range, boolean integer, long seed) {
        double[] x() {
            return uniform(n * c * h * w, 1.0, seed);
        }

        double[] shift() {
            double[] s = uniform(2 * c, range, seed + 1);
            if (integer) {
                for (int i = 0; i < s.length; i++) {
                    s[i] = Math.rint(s[i]);
                }
            }
            return s;
        }

        ActiveShiftReference reference() {
            return new ActiveShiftReference(n, c, h, w, sh, sw);
        }

        double[] dy() {
            ActiveShiftReference r = reference();
            return uniform(n * c * r.outH() * r.outW(), 1.0, seed + 2);
        }
    }

    static List<Case> sweep() {
        List<Case> cases = new ArrayList<>();
        long seed = 11;
        for (int[] s : SHAPES) {
            for (int sh = 1; sh <= 3; sh++) {
                for (int sw = 1; sw <= 3; sw++) {
                    if (s[2] * s[3] > 1000 && (sh != sw)) {
                        continue;  // keep the big map to square strides
                    }
                    cases.add(new Case(s[0], s[1], s[2], s[3], sh, sw, 6.0, false, seed++));
                    cases.add(new Case(s[0], s[1], s[2], s[3], sh, sw, 6.0, true, seed++));
                    cases.add(new Case(s[0], s[1], s[2], s[3], sh, sw, 1.2, false, seed++));
                }
            }
            // Far outside the image: everything reads zero.
            cases.add(new Case(s[0], s[1], s[2], s[3], 1, 1, 1e4, false, seed++));
        }
        return cases;
    }

    @Test
    void forwardAndGradientMatchReferenceOnManyShapes() throws Exception {
        for (OpSessions sessions : List.of(single, multi)) {
            for (Case k : sweep()) {
                checkCase(sessions, k);
            }
        }
    }

    @Test
    void shiftsFarOutsideTheImageGiveZeros() throws Exception {
        Case k = new Case(2, 3, 6, 5, 1, 1, 1e4, false, 5);
        float[][] out = forward(single, k);
        for (float v : out[0]) {
            assertEquals(0.0f, v);
        }
    }

    @Test
    void gradientIsIndependentOfThreadCount() throws Exception {
        Case k = new Case(8, 6, 23, 29, 1, 1, 3.0, false, 99);
        float[][] a = gradient(single, k);
        float[][] b = gradient(multi, k);
        assertArrayEquals(a[0], b[0]);
        assertArrayEquals(a[1], b[1]);
    }

    @Test
    void oneSessionRunFromEightThreadsMatchesSerialRuns() throws Exception {
        OrtSession session = multi.session("fwd1x1", OneNodeModel.activeShift(1, 1).bytes());
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            cases.add(new Case(1 + i % 3, 4 + i % 5, 9 + i % 7, 11 + i % 4, 1, 1, 4.0, false, 1000 + i));
        }
        List<float[]> serial = new ArrayList<>();
        for (Case k : cases) {
            serial.add(runForward(session, k)[0]);
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int rep = 0; rep < 4; rep++) {
                for (Case k : cases) {
                    futures.add(pool.submit(() -> runForward(session, k)[0]));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                assertArrayEquals(serial.get(i % cases.size()), futures.get(i).get(), "concurrent run " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    private static void checkCase(OpSessions sessions, Case k) throws Exception {
        ActiveShiftReference.Result ref = k.reference().run(k.x(), k.shift(), k.dy());
        String what = k.toString();
        assertClose(ref.y(), forward(sessions, k)[0], 1e-5, "Y " + what);
        float[][] g = gradient(sessions, k);
        assertClose(ref.dx(), g[0], 1e-5, "dX " + what);
        // dShift sums N*OH*OW terms, each about the output scale.
        ActiveShiftReference r = k.reference();
        double terms = Math.max(1, (double) k.n() * r.outH() * r.outW());
        assertClose(ref.dshift(), g[1], 1e-5 * Math.sqrt(terms), "dShift " + what);
    }

    static float[][] forward(OpSessions sessions, Case k) throws Exception {
        OrtSession s = sessions.session("fwd" + k.sh() + "x" + k.sw(), OneNodeModel.activeShift(k.sh(), k.sw()).bytes());
        return runForward(s, k);
    }

    static float[][] runForward(OrtSession s, Case k) throws Exception {
        return OpSessions.run(s, Map.of("X", toFloat(k.x()), "shift", toFloat(k.shift())),
                Map.of("X", new long[] {k.n(), k.c(), k.h(), k.w()}, "shift", new long[] {k.c(), 2}));
    }

    static float[][] gradient(OpSessions sessions, Case k) throws Exception {
        OrtSession s = sessions.session("grad" + k.sh() + "x" + k.sw(), OneNodeModel.activeShiftGrad(k.sh(), k.sw()).bytes());
        ActiveShiftReference r = k.reference();
        return OpSessions.run(s,
                Map.of("dY", toFloat(k.dy()), "X", toFloat(k.x()), "shift", toFloat(k.shift())),
                Map.of("dY", new long[] {k.n(), k.c(), r.outH(), r.outW()},
                        "X", new long[] {k.n(), k.c(), k.h(), k.w()}, "shift", new long[] {k.c(), 2}));
    }

    static void assertClose(double[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, "length of " + what);
        double scale = 1.0;
        for (double v : want) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(want[i] - got[i]);
            if (!(err <= tol * scale)) {
                throw new AssertionError(what + " at " + i + ": got " + got[i] + ", want " + want[i]);
            }
        }
    }

    static double[] uniform(int count, double range, long seed) {
        Random rnd = new Random(seed);
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = (float) ((rnd.nextDouble() * 2 - 1) * range);  // exactly representable as float
        }
        return v;
    }

    static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
