package dev.asnet.exporter.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The Java reference's gradient agrees with central finite differences of its forward. */
class ActiveShiftReferenceTest {
    @Test
    void referenceGradientMatchesFiniteDifferences() {
        int[][] shapes = {{2, 3, 6, 7, 1, 1}, {1, 2, 5, 9, 2, 1}, {2, 2, 7, 7, 3, 2}, {1, 1, 1, 1, 1, 1}};
        for (int[] s : shapes) {
            ActiveShiftReference ref = new ActiveShiftReference(s[0], s[1], s[2], s[3], s[4], s[5]);
            double[] x = TestArrays.uniform(s[0] * s[1] * s[2] * s[3], 1, 3);
            double[] dy = TestArrays.uniform(s[0] * s[1] * ref.outH() * ref.outW(), 1, 4);
            double[] shift = new double[2 * s[1]];
            double[] pick = {0.3, -1.7, 2.45, 0.61, -0.2, -0.85};  // never integers
            for (int i = 0; i < shift.length; i++) {
                shift[i] = pick[i % pick.length];
            }
            ActiveShiftReference.Result r = ref.run(x, shift, dy);
            double eps = 1e-6;
            for (int i = 0; i < shift.length; i++) {
                double[] hi = shift.clone();
                double[] lo = shift.clone();
                hi[i] += eps;
                lo[i] -= eps;
                double fd = (loss(ref, x, hi, dy) - loss(ref, x, lo, dy)) / (2 * eps);
                assertEquals(fd, r.dshift()[i], 1e-6 * Math.max(1, Math.abs(fd)), "dShift " + i);
            }
            for (int i = 0; i < x.length; i++) {
                double[] hi = x.clone();
                double[] lo = x.clone();
                hi[i] += eps;
                lo[i] -= eps;
                double fd = (loss(ref, hi, shift, dy) - loss(ref, lo, shift, dy)) / (2 * eps);
                assertEquals(fd, r.dx()[i], 1e-6, "dX " + i);
            }
        }
    }

    private static double loss(ActiveShiftReference ref, double[] x, double[] shift, double[] dy) {
        double[] y = ref.run(x, shift, null).y();
        double l = 0;
        for (int i = 0; i < y.length; i++) {
            l += y[i] * dy[i];
        }
        return l;
    }
}
