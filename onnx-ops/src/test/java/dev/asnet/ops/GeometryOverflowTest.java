package dev.asnet.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.testing.ActiveShiftReference;
import dev.asnet.exporter.testing.ActiveShiftTester;
import dev.asnet.exporter.testing.TestArrays;
import dev.asnet.ops.testing.OneNodeModel;
import dev.asnet.ops.testing.OpSessions;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Huge strides: strides up to {@code Long.MAX_VALUE} are valid and must neither crash the JVM (the
 * native geometry arithmetic once overflowed and read and wrote outside the tensors) nor give
 * wrong values. Everything is compared with the Java reference through {@link ActiveShiftTester};
 * both take the strides as longs.
 */
class GeometryOverflowTest {
    private static final long MAX = Long.MAX_VALUE;
    private static OpSessions sessions;

    @BeforeAll
    static void open() throws Exception {
        sessions = new OpSessions(2);
    }

    @AfterAll
    static void close() throws Exception {
        sessions.close();
    }

    /** The case that once overflowed: 1x1 images, shift (-3, 0), strides [1, 2^63-1], 1 and 30 images. */
    @Test
    void maxStrideOnOnePixelImagesGivesTheReferenceForEveryImage() throws Exception {
        for (int n : new int[] {1, 30}) {
            ActiveShiftTester k = tester(n, 1, 1, 1, 1, MAX, new double[] {-3, 0}, 11 + n);
            float[] y = check(k);
            for (int i = 0; i < n; i++) {
                assertEquals(0.0f, y[i], "image " + i + " of " + n);  // every tap is outside
            }
            // Repeated runs of one batch agree (the overflow read whatever lay before the tensor).
            float[] again = ActiveShiftOpTest.forward(sessions, k).run(TestArrays.toFloat(k.x()), TestArrays.toFloat(k.shift()));
            assertArrayEquals(y, again);
            // The transposed case, and fractional shifts that do read the pixel.
            check(tester(n, 1, 1, 1, MAX, 1, new double[] {0, -3}, 12 + n));
            check(tester(n, 1, 1, 1, 1, MAX, new double[] {0.25, 0}, 13 + n));
            check(tester(n, 1, 1, 1, MAX, MAX, new double[] {-0.5, -0.75}, 14 + n));
        }
    }

    /** Huge strides on small shapes (including 1-pixel axes), forward and gradient vs. the reference. */
    @Test
    void hugeStridesMatchTheReference() throws Exception {
        int[][] shapes = {{1, 1, 1, 1}, {2, 3, 1, 7}, {1, 2, 5, 1}, {2, 2, 5, 6}, {1, 1, 9, 33}};
        long[] strides = {1, 2, 3, 5, 6, Integer.MAX_VALUE, 1L << 31, 1L << 40, 1L << 62, MAX - 1, MAX};
        double[][] shiftRanges = {{1.5, 0}, {8, 0}, {1e30, 0}};
        Random rnd = new Random(2024);
        long seed = 100;
        for (int[] s : shapes) {
            for (int t = 0; t < 12; t++) {
                long sh = strides[rnd.nextInt(strides.length)];
                long sw = strides[rnd.nextInt(strides.length)];
                double range = shiftRanges[t % shiftRanges.length][0];
                double[] shift = TestArrays.uniform(2 * s[1], range, seed);
                if (t % 4 == 3) {  // exact integers, including -extent .. extent
                    for (int i = 0; i < shift.length; i++) {
                        shift[i] = Math.rint(shift[i]);
                    }
                }
                check(tester(s[0], s[1], s[2], s[3], sh, sw, shift, seed++));
            }
        }
    }

    /** The Java side's output size agrees with ceil(in / stride) for every stride. */
    @Test
    void outputExtentDoesNotOverflow() {
        assertEquals(1, AsnetDomain.outputExtent(5, MAX));
        assertEquals(1, AsnetDomain.outputExtent(1, MAX));
        assertEquals(0, AsnetDomain.outputExtent(0, MAX));
        assertEquals(1, AsnetDomain.outputExtent(MAX, MAX));
        assertEquals(MAX, AsnetDomain.outputExtent(MAX, 1));
        assertEquals(1L << 62, AsnetDomain.outputExtent(MAX, 2));
        assertEquals(3, AsnetDomain.outputExtent(7, 3));
        for (long in = 0; in < 40; in++) {
            for (long stride : new long[] {1, 2, 3, 7, Integer.MAX_VALUE, 1L << 40, MAX - 1, MAX}) {
                assertEquals(ActiveShiftReference.outSize((int) in, stride), AsnetDomain.outputExtent(in, stride));
            }
        }
    }

    /** Shape inference with declared sizes: ceil(5 / (2^63-1)) is 1, not an overflowed value. */
    @Test
    void inferredShapeWithHugeStrides() throws Exception {
        byte[] model = OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT)
                .input("X", OneNodeModel.FLOAT, 2L, 1L, 5L, 7L).input("shift", OneNodeModel.FLOAT, 1L, 2L)
                .output("Y", OneNodeModel.FLOAT).ints(AsnetDomain.STRIDES, MAX, MAX - 1).bytes();
        OrtSession s = sessions.session("declared", model);
        float[] x = TestArrays.toFloat(TestArrays.uniform(70, 1, 3));
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        try {
            in.put("X", OnnxTensor.createTensor(OpSessions.ENV, FloatBuffer.wrap(x), new long[] {2, 1, 5, 7}));
            in.put("shift", OnnxTensor.createTensor(OpSessions.ENV, FloatBuffer.wrap(new float[] {0, 0}), new long[] {1, 2}));
            try (OrtSession.Result r = s.run(in)) {
                OnnxTensor y = (OnnxTensor) r.get(0);
                assertArrayEquals(new long[] {2, 1, 1, 1}, y.getInfo().getShape());
                float[] v = new float[2];
                y.getFloatBuffer().get(v);
                assertArrayEquals(new float[] {x[0], x[35]}, v);  // shift 0: Y samples X[.,.,0,0]
            }
        } finally {
            in.values().forEach(OnnxTensor::close);
        }
    }

    /** An empty batch with huge spatial sizes: no size product may overflow, the result is empty. */
    @Test
    void emptyBatchWithHugeSpatialSizes() throws Exception {
        long big = 1L << 40;
        OrtSession fwd = sessions.session("fwd-empty", OneNodeModel.activeShift(1, MAX).bytes());
        float[][] y = OpSessions.run(fwd, Map.of("X", new float[0], "shift", new float[] {0.5f, 0.5f}),
                Map.of("X", new long[] {0, 1, big, big}, "shift", new long[] {1, 2}));
        assertEquals(0, y[0].length);
        OrtSession grad = sessions.session("grad-empty", OneNodeModel.activeShiftGrad(1, MAX).bytes());
        float[][] g = OpSessions.run(grad,
                Map.of("dY", new float[0], "X", new float[0], "shift", new float[] {0.5f, 0.5f}),
                Map.of("dY", new long[] {0, 1, big, 1}, "X", new long[] {0, 1, big, big}, "shift", new long[] {1, 2}));
        assertEquals(0, g[0].length);
        assertArrayEquals(new float[] {0, 0}, g[1]);
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** One case with explicit long strides and shifts (each rounded to float). */
    private static ActiveShiftTester tester(int n, int c, int h, int w, long sh, long sw, double[] shift, long seed) {
        return new ActiveShiftTester().batch(n).channels(c).height(h).width(w).strides(sh, sw).shifts(shift).seed(seed);
    }

    /** Forward and gradient of the case vs. the reference; returns Y. */
    private static float[] check(ActiveShiftTester k) throws Exception {
        return k.test(ActiveShiftOpTest.forward(sessions, k), ActiveShiftOpTest.gradient(sessions, k));
    }
}
