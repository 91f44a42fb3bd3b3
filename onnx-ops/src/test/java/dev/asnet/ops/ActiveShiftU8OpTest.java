package dev.asnet.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.testing.ActiveShiftU8Reference;
import dev.asnet.ops.testing.OneNodeModel;
import dev.asnet.ops.testing.OpSessions;
import dev.asnet.ops.testing.U8Data;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The uint8 Active Shift ops through ONNX Runtime, byte for byte against {@link
 * ActiveShiftU8Reference}: {@code ActiveShiftU8} on NCHW and {@code ActiveShiftNhwcU8} on the
 * channels-last copy of the same data, over shapes with 0 and 1 extents, channel counts around the
 * kernels' 16-channel chunks, strides, integer, negative, half and far-out shifts and the ties of
 * the integer rounding rule, zero points 0, 128 and 255, with one and two intra-op threads. Then the errors bad inputs get.
 */
class ActiveShiftU8OpTest {
    private static OpSessions single;
    private static OpSessions multi;

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

    private static byte[] model(String op, long sh, long sw) {
        boolean nhwc = op.equals(AsnetDomain.ACTIVE_SHIFT_NHWC_U8);
        Object[] dims = nhwc ? new Object[] {"N", "H", "W", "C"} : new Object[] {"N", "C", "H", "W"};
        return OneNodeModel.op(AsnetDomain.DOMAIN, op).input("X", OneNodeModel.UINT8, dims)
                .input("shift", OneNodeModel.FLOAT, "C", 2L).input("x_scale", OneNodeModel.FLOAT)
                .input("x_zero_point", OneNodeModel.UINT8).output("Y", OneNodeModel.UINT8)
                .ints(AsnetDomain.STRIDES, sh, sw).bytes();
    }

    /** Runs one node; returns Y as unsigned ints. */
    static int[] run(OpSessions sessions, String op, long sh, long sw, int[] x, long[] shape, float[] shift,
            float scale, int zp) throws OrtException {
        OrtSession s = sessions.session(op + sh + "x" + sw, model(op, sh, sw));
        ByteBuffer xb = U8Data.bytes(x);
        ByteBuffer zb = ByteBuffer.allocateDirect(1).put((byte) zp);
        zb.flip();
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        try {
            in.put("X", OnnxTensor.createTensor(OpSessions.ENV, xb, shape, OnnxJavaType.UINT8));
            in.put("shift", OnnxTensor.createTensor(OpSessions.ENV, FloatBuffer.wrap(shift), new long[] {shift.length / 2, 2}));
            in.put("x_scale", OnnxTensor.createTensor(OpSessions.ENV, FloatBuffer.wrap(new float[] {scale}), new long[0]));
            in.put("x_zero_point", OnnxTensor.createTensor(OpSessions.ENV, zb, new long[0], OnnxJavaType.UINT8));
            try (OrtSession.Result r = s.run(in)) {
                return U8Data.unsigned(((OnnxTensor) r.get(0)).getByteBuffer());
            }
        } finally {
            for (OnnxTensor t : in.values()) {
                t.close();
            }
        }
    }

    /** [N, C, H, W] to [N, H, W, C]. */
    static int[] toNhwc(int[] x, int n, int c, int h, int w) {
        return U8Data.channelsLast(x, n, c, h * w);
    }

    static float[] shifts(int kind, int c, Random rnd) {
        float[] s = new float[2 * c];
        for (int i = 0; i < s.length; i++) {
            float u = 2 * rnd.nextFloat() - 1;
            s[i] = switch (kind) {
                case 0 -> u;
                case 1 -> 4.7f * u;
                case 2 -> Math.round(3 * u);
                case 3 -> 0.5f * Math.round(6 * u);
                case 4 -> i % 3 == 0 ? (u > 0 ? 1e30f : -1e6f) : 2 * u;
                case 5 -> -Math.abs(2.5f * u);
                // Ties of the integer rule: x in halves (the weight products tie), y at odd
                // multiples of 2^-15 (the fraction's rounding to 2^-14 ties).
                default -> i % 2 == 0 ? 0.5f * Math.round(6 * u) : (2 * (int) Math.floor(3 * 16384 * u) + 1) / 32768f;
            };
        }
        return s;
    }

    @Test
    void bothLayoutsMatchTheReferenceExactly() throws OrtException {
        int[][] shapes = {{1, 1, 1, 1}, {1, 3, 1, 7}, {2, 16, 5, 6}, {1, 17, 8, 3}, {1, 48, 7, 7}, {2, 33, 9, 10},
            {0, 4, 3, 3}, {1, 0, 3, 3}, {1, 4, 0, 3},
            // 64-channel vectors of the AVX-512 channels-last kernel, a partial one, and 32-column tiles
            {1, 130, 4, 37}, {2, 64, 3, 5}};
        long[][] strides = {{1, 1}, {2, 2}, {3, 1}};
        Random rnd = new Random(14);
        int cases = 0;
        for (int[] sh : shapes) {
            for (long[] st : strides) {
                for (int kind = 0; kind < 7; kind++) {
                    int zp = new int[] {0, 128, 255}[kind % 3];
                    int[] x = new int[sh[0] * sh[1] * sh[2] * sh[3]];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = kind == 5 ? (rnd.nextBoolean() ? 255 : 0) : rnd.nextInt(256);
                    }
                    float[] shift = shifts(kind, sh[1], rnd);
                    int[] want = ActiveShiftU8Reference.run(x, sh, shift, st[0], st[1], zp);
                    OpSessions sessions = cases % 2 == 0 ? single : multi;
                    String what = java.util.Arrays.toString(sh) + " strides " + st[0] + "," + st[1] + " kind " + kind
                            + " zp " + zp;
                    int[] got = run(sessions, AsnetDomain.ACTIVE_SHIFT_U8, st[0], st[1], x,
                            new long[] {sh[0], sh[1], sh[2], sh[3]}, shift, 0.05f, zp);
                    assertArrayEquals(want, got, "ActiveShiftU8 " + what);
                    int oh = (int) (sh[2] == 0 ? 0 : (sh[2] - 1) / st[0] + 1);
                    int ow = (int) (sh[3] == 0 ? 0 : (sh[3] - 1) / st[1] + 1);
                    int[] gotT = run(sessions, AsnetDomain.ACTIVE_SHIFT_NHWC_U8, st[0], st[1],
                            toNhwc(x, sh[0], sh[1], sh[2], sh[3]), new long[] {sh[0], sh[2], sh[3], sh[1]}, shift, 0.05f, zp);
                    assertArrayEquals(toNhwc(want, sh[0], sh[1], oh, ow), gotT, "ActiveShiftNhwcU8 " + what);
                    cases++;
                }
            }
        }
        assertTrue(cases == shapes.length * strides.length * 7);
    }

    private static String failure(String op, int[] x, long[] shape, float[] shift, float scale) {
        OrtException e = assertThrows(OrtException.class, () -> run(single, op, 1, 1, x, shape, shift, scale, 3));
        return e.getMessage();
    }

    @Test
    void badInputsGetClearErrors() {
        int[] x = new int[2 * 3 * 4];
        String m = failure(AsnetDomain.ACTIVE_SHIFT_U8, x, new long[] {1, 2, 3, 4}, new float[6], 0.1f);
        assertTrue(m.contains("ActiveShiftU8") && m.contains("3 channels but X has 2"), m);
        m = failure(AsnetDomain.ACTIVE_SHIFT_NHWC_U8, x, new long[] {1, 2, 3, 4}, new float[6], 0.1f);
        assertTrue(m.contains("ActiveShiftNhwcU8") && m.contains("3 channels but X has 4") && m.contains("[N, H, W, C]"), m);
        m = failure(AsnetDomain.ACTIVE_SHIFT_U8, x, new long[] {1, 2, 3, 4}, new float[4], 0f);
        assertTrue(m.contains("x_scale") && m.contains("> 0"), m);
        m = failure(AsnetDomain.ACTIVE_SHIFT_U8, x, new long[] {1, 2, 3, 4}, new float[] {0, 0, Float.NaN, 0}, 0.1f);
        assertTrue(m.contains("channel 1") && m.contains("not finite"), m);
        m = failure(AsnetDomain.ACTIVE_SHIFT_U8, x, new long[] {2, 3, 4}, new float[6], 0.1f);
        assertTrue(m.toLowerCase(java.util.Locale.ROOT).contains("rank"), m);
    }

    @Test
    void aFloatInputIsRefusedWhenTheSessionIsCreated() {
        byte[] m = OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT_U8).input("X", OneNodeModel.FLOAT, (Object[]) null)
                .input("shift", OneNodeModel.FLOAT, "C", 2L).input("x_scale", OneNodeModel.FLOAT)
                .input("x_zero_point", OneNodeModel.UINT8).output("Y", OneNodeModel.UINT8).bytes();
        OrtException e = assertThrows(OrtException.class, () -> OpSessions.ENV.createSession(m, single.options()).close());
        assertTrue(e.getMessage().contains("ActiveShiftU8") || e.getMessage().toLowerCase().contains("type"), e.getMessage());
    }
}
