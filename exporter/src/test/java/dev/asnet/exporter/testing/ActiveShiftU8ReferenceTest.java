package dev.asnet.exporter.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The uint8 reference against the double-precision {@link ActiveShiftReference} on the dequantized
 * tensor: within the rule's bound of 1/2 + 4 * 255 / 2^15 steps of the exact bilinear value, and
 * exact (a shifted copy) at integer shifts.
 */
class ActiveShiftU8ReferenceTest {
    private static final double BOUND = 0.5 + 4 * 255.0 / 32768;

    @Test
    void withinTheBoundOfTheExactBilinearValue() {
        Random rnd = new Random(3);
        int n = 1;
        int c = 12;
        int h = 6;
        int w = 7;
        double worst = 0;
        for (int round = 0; round < 60; round++) {
            int zp = round % 3 == 0 ? 0 : rnd.nextInt(256);
            int[] x = new int[n * c * h * w];
            for (int i = 0; i < x.length; i++) {
                // Only 0 and 255 on half the rounds: the steepest images, where the bound is tight.
                x[i] = round % 2 == 0 ? (rnd.nextBoolean() ? 255 : 0) : rnd.nextInt(256);
            }
            float[] shift = new float[2 * c];
            for (int i = 0; i < shift.length; i++) {
                shift[i] = switch (i % 3) {
                    case 0 -> 5 * rnd.nextFloat() - 2.5f;
                    case 1 -> (2 * (rnd.nextInt(3 * 16384) - 3 * 8192) + 1) / 32768f;  // a tie of the 2^-14 rounding
                    default -> 0.5f * (rnd.nextInt(9) - 4);
                };
            }
            int[] y = ActiveShiftU8Reference.run(x, new int[] {n, c, h, w}, shift, 1, 1, zp);
            double[] xd = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                xd[i] = x[i] - zp;
            }
            double[] sd = new double[shift.length];
            for (int i = 0; i < shift.length; i++) {
                sd[i] = shift[i];
            }
            double[] exact = new ActiveShiftReference(n, c, h, w, 1, 1).run(xd, sd, null).y();
            for (int i = 0; i < y.length; i++) {
                assertTrue(y[i] >= 0 && y[i] <= 255, "byte " + y[i]);
                double e = Math.abs(y[i] - (exact[i] + zp));
                worst = Math.max(worst, e);
                assertTrue(e <= BOUND + 1e-6, "element " + i + ": " + y[i] + " vs exact " + (exact[i] + zp) + " (zp " + zp + ")");
            }
        }
        assertTrue(worst > 0.45, "the steep images should come near the bound, worst " + worst);
    }

    @Test
    void integerShiftsCopyPixels() {
        Random rnd = new Random(4);
        int[] x = new int[2 * 5 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextInt(256);
        }
        float[] shift = {1, -2, -1, 0};  // channel 0: x + 1, y - 2; channel 1: x - 1
        int zp = 77;
        int[] y = ActiveShiftU8Reference.run(x, new int[] {1, 2, 5, 6}, shift, 1, 1, zp);
        for (int ch = 0; ch < 2; ch++) {
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 6; j++) {
                    int r = i + (int) shift[2 * ch + 1];
                    int q = j + (int) shift[2 * ch];
                    int want = r < 0 || r >= 5 || q < 0 || q >= 6 ? zp : x[(ch * 5 + r) * 6 + q];
                    assertEquals(want, y[(ch * 5 + i) * 6 + j], "channel " + ch + " at " + i + "," + j);
                }
            }
        }
    }
}
