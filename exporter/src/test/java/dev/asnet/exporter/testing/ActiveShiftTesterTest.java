package dev.asnet.exporter.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The tester passes the reference itself and names the first wrong element of a broken kernel. */
class ActiveShiftTesterTest {
    /** The reference in float, as a kernel under test. */
    private static float[] referenceForward(ActiveShiftTester t, float[] x, float[] shift) {
        return TestArrays.toFloat(t.reference().run(TestArrays.toDouble(x), TestArrays.toDouble(shift), null).y());
    }

    private static float[][] referenceGradient(ActiveShiftTester t, float[] dy, float[] x, float[] shift) {
        ActiveShiftReference.Result r = t.reference().run(TestArrays.toDouble(x), TestArrays.toDouble(shift),
                TestArrays.toDouble(dy));
        return new float[][] {TestArrays.toFloat(r.dx()), TestArrays.toFloat(r.dshift())};
    }

    @Test
    void theReferencePassesOnDrawnAndFixedShifts() throws Exception {
        ActiveShiftTester drawn = new ActiveShiftTester().batch(2).channels(3).height(5).width(7).strides(2, 1)
                .shiftRange(3).seed(9);
        float[] y = drawn.test((x, s) -> referenceForward(drawn, x, s), (dy, x, s) -> referenceGradient(drawn, dy, x, s));
        assertEquals(2 * 3 * 3 * 7, y.length);
        assertArrayEquals(new long[] {2, 3, 3, 7}, drawn.outputShape());

        ActiveShiftTester fixed = new ActiveShiftTester().channels(2).height(4).width(4).strides(Long.MAX_VALUE, 1)
                .shifts(0.5, -1, 2, 0);
        assertArrayEquals(new double[] {0.5, -1, 2, 0}, fixed.shift());
        fixed.test((x, s) -> referenceForward(fixed, x, s), (dy, x, s) -> referenceGradient(fixed, dy, x, s));
    }

    @Test
    void integerShiftsAreRoundedAndInRange() {
        double[] s = new ActiveShiftTester().channels(16).shiftRange(4).integerShifts(true).seed(5).shift();
        for (double v : s) {
            assertEquals(Math.rint(v), v);
            assertTrue(Math.abs(v) <= 4, "shift " + v);
        }
    }

    @Test
    void aWrongElementIsReportedWithItsIndexAndCoordinates() {
        ActiveShiftTester t = new ActiveShiftTester().batch(2).channels(3).height(4).width(5).seed(7);
        int bad = 1 * 60 + 2 * 20 + 3 * 5 + 4;  // n = 1, c = 2, row 3, column 4
        AssertionError e = assertThrows(AssertionError.class, () -> t.testForward((x, s) -> {
            float[] y = referenceForward(t, x, s);
            y[bad] += 0.01f;
            return y;
        }));
        assertTrue(e.getMessage().startsWith("Y at " + bad + " [1, 2, 3, 4]: got "), e.getMessage());
        assertTrue(e.getMessage().endsWith(t.toString()), e.getMessage());

        AssertionError nan = assertThrows(AssertionError.class, () -> t.testGradient((dy, x, s) -> {
            float[][] g = referenceGradient(t, dy, x, s);
            g[1][3] = Float.NaN;
            return g;
        }));
        assertTrue(nan.getMessage().startsWith("dShift at 3 [1, 1]: got NaN"), nan.getMessage());

        AssertionError shortY = assertThrows(AssertionError.class, () -> t.testForward((x, s) -> new float[3]));
        assertTrue(shortY.getMessage().startsWith("Y has 3 values, want 120"), shortY.getMessage());
    }
}
