package dev.asnet.exporter.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.ir.DataType;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ChannelAffineU8#fold}: for every input byte, the folded integer rule against the exact real
 * map rounded half up and clamped (computed in double), over random and extreme factors, biases,
 * scales and zero points, with and without the ReLU; and the op's int32 bounds on the result.
 */
class ChannelAffineU8Test {
    /** The exact map: dequantize, w * x + b, optional ReLU, quantize (half up), clamp to [0, 255]. */
    private static int exact(float w, float b, QuantParams in, QuantParams out, boolean relu, int q) {
        double x = (double) in.scale() * (q - in.zeroPoint());
        double y = (double) w * x + b;
        if (relu) {
            y = Math.max(0, y);
        }
        double v = Math.floor(y / out.scale() + 0.5) + out.zeroPoint();
        return (int) Math.max(0, Math.min(255, v));
    }

    private static void check(float[] w, float[] b, QuantParams in, QuantParams out, boolean relu) {
        ChannelAffineU8.Params p = ChannelAffineU8.fold(w, b, in, out, relu);
        int total = 0;
        int same = 0;
        for (int c = 0; c < w.length; c++) {
            assertTrue(p.shift()[c] >= 0 && p.shift()[c] <= ChannelAffineU8.MAX_SHIFT);
            long product = (long) p.multiplier()[c] * 255;
            assertTrue(Math.abs(product) <= Integer.MAX_VALUE && Math.abs(product + p.offset()[c]) <= Integer.MAX_VALUE,
                    "channel " + c + " leaves int32");
            for (int q = 0; q < 256; q++) {
                int want = exact(w[c], b[c], in, out, relu, q);
                int got = ChannelAffineU8.apply(p, c, q);
                assertTrue(Math.abs(got - want) <= 1, "channel " + c + " q " + q + ": " + got + " vs exact " + want
                        + " (w " + w[c] + ", b " + b[c] + ", shift " + p.shift()[c] + ")");
                same += got == want ? 1 : 0;
                total++;
            }
        }
        // Off by one only where the exact value lies within about 2^-shift * 256 of a tie.
        assertTrue(same >= total - Math.max(2, total / 500), same + " of " + total + " bytes exact");
    }

    @Test
    void foldedRuleMatchesTheExactMap() {
        Random rnd = new Random(5);
        for (int round = 0; round < 200; round++) {
            int c = 1 + rnd.nextInt(20);
            float[] w = new float[c];
            float[] b = new float[c];
            for (int i = 0; i < c; i++) {
                w[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(5) - 2));
                b[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(4) - 2));
            }
            QuantParams in = new QuantParams((float) Math.pow(10, -3 + 2 * rnd.nextDouble()), rnd.nextInt(256), DataType.UINT8);
            QuantParams out = new QuantParams((float) Math.pow(10, -3 + 2 * rnd.nextDouble()), rnd.nextInt(256), DataType.UINT8);
            check(w, b, in, out, rnd.nextBoolean());
        }
    }

    @Test
    void extremesStayInsideInt32() {
        QuantParams in = new QuantParams(1f, 128, DataType.UINT8);
        QuantParams tiny = new QuantParams(1e-6f, 0, DataType.UINT8);
        // A huge factor (every input step moves the output by a million steps), a huge bias, zeros.
        check(new float[] {1f, -1f, 0f, 3e-7f}, new float[] {0f, 1e6f, -1e6f, 0f}, in, tiny, true);
        check(new float[] {1e4f, 0f}, new float[] {-5e3f, 0f}, in, new QuantParams(0.01f, 10, DataType.UINT8), false);
        ChannelAffineU8.Params p = ChannelAffineU8.fold(new float[] {0.5f}, new float[] {0.25f}, in,
                new QuantParams(0.5f, 0, DataType.UINT8), false);
        assertTrue(p.shift()[0] >= 20, "an ordinary channel keeps a fine shift: " + p.shift()[0]);
    }

    @Test
    void badArgumentsAreRefused() {
        QuantParams u = new QuantParams(0.1f, 0, DataType.UINT8);
        assertThrows(IllegalArgumentException.class, () -> ChannelAffineU8.fold(new float[2], new float[1], u, u, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ChannelAffineU8.fold(new float[] {0, Float.NaN}, new float[2], u, u, false));
        assertTrue(e.getMessage().contains("channel 1"), e.getMessage());
    }
}
