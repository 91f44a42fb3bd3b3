package dev.asnet.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.testing.ActiveShiftTester;
import dev.asnet.exporter.testing.TestArrays;
import dev.asnet.ops.testing.OneNodeModel;
import dev.asnet.ops.testing.OpSessions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    static ActiveShiftTester tester(int n, int c, int h, int w, int sh, int sw, double range, boolean integer, long seed) {
        return new ActiveShiftTester().batch(n).channels(c).height(h).width(w).strides(sh, sw).shiftRange(range)
                .integerShifts(integer).seed(seed);
    }

    static List<ActiveShiftTester> sweep() {
        List<ActiveShiftTester> cases = new ArrayList<>();
        long seed = 11;
        for (int[] s : SHAPES) {
            for (int sh = 1; sh <= 3; sh++) {
                for (int sw = 1; sw <= 3; sw++) {
                    if (s[2] * s[3] > 1000 && (sh != sw)) {
                        continue;  // keep the big map to square strides
                    }
                    cases.add(tester(s[0], s[1], s[2], s[3], sh, sw, 6.0, false, seed++));
                    cases.add(tester(s[0], s[1], s[2], s[3], sh, sw, 6.0, true, seed++));
                    cases.add(tester(s[0], s[1], s[2], s[3], sh, sw, 1.2, false, seed++));
                }
            }
            // Far outside the image: everything reads zero.
            cases.add(tester(s[0], s[1], s[2], s[3], 1, 1, 1e4, false, seed++));
        }
        return cases;
    }

    @Test
    void forwardAndGradientMatchReferenceOnManyShapes() throws Exception {
        for (OpSessions sessions : List.of(single, multi)) {
            for (ActiveShiftTester t : sweep()) {
                t.test(forward(sessions, t), gradient(sessions, t));
            }
        }
    }

    @Test
    void shiftsFarOutsideTheImageGiveZeros() throws Exception {
        ActiveShiftTester t = tester(2, 3, 6, 5, 1, 1, 1e4, false, 5);
        for (float v : t.testForward(forward(single, t))) {
            assertEquals(0.0f, v);
        }
    }

    @Test
    void gradientIsIndependentOfThreadCount() throws Exception {
        ActiveShiftTester t = tester(8, 6, 23, 29, 1, 1, 3.0, false, 99);
        float[] dy = TestArrays.toFloat(t.dy());
        float[] x = TestArrays.toFloat(t.x());
        float[] shift = TestArrays.toFloat(t.shift());
        float[][] a = gradient(single, t).run(dy, x, shift);
        float[][] b = gradient(multi, t).run(dy, x, shift);
        assertArrayEquals(a[0], b[0]);
        assertArrayEquals(a[1], b[1]);
    }

    @Test
    void oneSessionRunFromEightThreadsMatchesSerialRuns() throws Exception {
        OrtSession session = multi.session("fwd1x1", OneNodeModel.activeShift(1, 1).bytes());
        List<ActiveShiftTester> cases = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            cases.add(tester(1 + i % 3, 4 + i % 5, 9 + i % 7, 11 + i % 4, 1, 1, 4.0, false, 1000 + i));
        }
        List<float[]> serial = new ArrayList<>();
        for (ActiveShiftTester t : cases) {
            serial.add(runForward(session, t));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int rep = 0; rep < 4; rep++) {
                for (ActiveShiftTester t : cases) {
                    futures.add(pool.submit(() -> runForward(session, t)));
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

    /** The ActiveShift op with the case's strides, in a session of the pool. */
    static ActiveShiftTester.Forward forward(OpSessions sessions, ActiveShiftTester t) {
        return (x, shift) -> {
            OrtSession s = sessions.session("fwd" + t.strideH() + "x" + t.strideW(),
                    OneNodeModel.activeShift(t.strideH(), t.strideW()).bytes());
            return OpSessions.run(s, Map.of("X", x, "shift", shift), Map.of("X", t.inputShape(), "shift", t.shiftShape()))[0];
        };
    }

    /** The ActiveShiftGrad op with the case's strides, in a session of the pool. */
    static ActiveShiftTester.Gradient gradient(OpSessions sessions, ActiveShiftTester t) {
        return (dy, x, shift) -> {
            OrtSession s = sessions.session("grad" + t.strideH() + "x" + t.strideW(),
                    OneNodeModel.activeShiftGrad(t.strideH(), t.strideW()).bytes());
            return OpSessions.run(s, Map.of("dY", dy, "X", x, "shift", shift),
                    Map.of("dY", t.outputShape(), "X", t.inputShape(), "shift", t.shiftShape()));
        };
    }

    /** Y of the case's inputs in a given session. */
    private static float[] runForward(OrtSession s, ActiveShiftTester t) throws OrtException {
        return OpSessions.run(s, Map.of("X", TestArrays.toFloat(t.x()), "shift", TestArrays.toFloat(t.shift())),
                Map.of("X", t.inputShape(), "shift", t.shiftShape()))[0];
    }
}
