package dev.asnet.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.quantize.ChannelAffineU8;
import dev.asnet.ops.testing.OneNodeModel;
import dev.asnet.ops.testing.OpSessions;
import dev.asnet.ops.testing.U8Data;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The per-channel uint8 affine ops through ONNX Runtime, byte for byte against the Java rule
 * ({@link ChannelAffineU8#apply}): {@code ChannelAffineU8} on {@code [N, C, ...]} and {@code
 * ChannelAffineNhwcU8} on the channels-last copy, over ranks 2 to 5, channel counts around the
 * kernels' 16-lane vectors, empty tensors, extreme multipliers and offsets, every shift from 0 to
 * 30 and lower clamps 0 and above, with one and two intra-op threads. Then the errors bad inputs
 * and attributes get.
 */
class ChannelAffineU8OpTest {
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

    private static byte[] model(String op, int rank, long yMin) {
        Object[] dims = new Object[rank];
        for (int i = 0; i < rank; i++) {
            dims[i] = "d" + i;
        }
        return OneNodeModel.op(AsnetDomain.DOMAIN, op).input("X", OneNodeModel.UINT8, dims)
                .input("multiplier", OneNodeModel.INT32, "C").input("offset", OneNodeModel.INT32, "C")
                .input("shift", OneNodeModel.INT32, "C").output("Y", OneNodeModel.UINT8).integer(AsnetDomain.Y_MIN, yMin)
                .bytes();
    }

    /** Runs one node; returns Y as unsigned ints. */
    static int[] run(OpSessions sessions, String op, int[] x, long[] shape, int[] m, int[] o, int[] shift, int yMin)
            throws OrtException {
        OrtSession s = sessions.session(op + shape.length + "/" + yMin, model(op, shape.length, yMin));
        ByteBuffer xb = U8Data.bytes(x);
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        try {
            in.put("X", OnnxTensor.createTensor(OpSessions.ENV, xb, shape, OnnxJavaType.UINT8));
            in.put("multiplier", OnnxTensor.createTensor(OpSessions.ENV, IntBuffer.wrap(m), new long[] {m.length}));
            in.put("offset", OnnxTensor.createTensor(OpSessions.ENV, IntBuffer.wrap(o), new long[] {o.length}));
            in.put("shift", OnnxTensor.createTensor(OpSessions.ENV, IntBuffer.wrap(shift), new long[] {shift.length}));
            try (OrtSession.Result r = s.run(in)) {
                return U8Data.unsigned(((OnnxTensor) r.get(0)).getByteBuffer());
            }
        } finally {
            for (OnnxTensor t : in.values()) {
                t.close();
            }
        }
    }

    @Test
    void bothLayoutsMatchTheRuleExactly() throws OrtException {
        long[][] shapes = {{1, 1}, {2, 3}, {1, 16, 7, 7}, {2, 17, 3, 5}, {1, 33, 4, 4}, {1, 48, 9, 10}, {2, 5, 2, 3, 4},
            {0, 4, 3, 3}, {1, 4, 0, 3}, {1, 64, 1, 1}};
        Random rnd = new Random(21);
        int limit = Integer.MAX_VALUE / 255;
        int cases = 0;
        for (long[] sh : shapes) {
            for (int variant = 0; variant < 4; variant++) {
                int n = (int) sh[0];
                int c = (int) sh[1];
                int inner = 1;
                for (int i = 2; i < sh.length; i++) {
                    inner *= (int) sh[i];
                }
                int shift = new int[] {0, 14, 20, 30}[variant];
                int yMin = new int[] {0, 0, 3, 255}[(variant + cases) % 4];
                int[] m = new int[c];
                int[] o = new int[c];
                int[] shifts = new int[c];
                for (int ch = 0; ch < c; ch++) {
                    shifts[ch] = ch % 3 == 2 ? rnd.nextInt(31) : shift;
                    switch (ch % 4) {
                        case 0 -> {  // the largest multiplier and offset the op accepts
                            m[ch] = limit;
                            o[ch] = Integer.MAX_VALUE - limit * 255;
                        }
                        case 1 -> {
                            m[ch] = -limit;
                            o[ch] = Integer.MIN_VALUE + limit * 255;
                        }
                        default -> {
                            m[ch] = rnd.nextInt(1 << 21) - (1 << 20);
                            o[ch] = rnd.nextInt(1 << 28) - (1 << 27) + (variant == 0 ? 0 : 1 << (shift - 1));
                        }
                    }
                }
                int[] x = new int[n * c * inner];
                for (int i = 0; i < x.length; i++) {
                    x[i] = rnd.nextInt(256);
                }
                ChannelAffineU8.Params p = new ChannelAffineU8.Params(m, o, shifts, yMin);
                int[] want = new int[x.length];
                for (int i = 0; i < x.length; i++) {
                    want[i] = ChannelAffineU8.apply(p, (i / inner) % c, x[i]);
                }
                OpSessions sessions = cases % 2 == 0 ? single : multi;
                String what = java.util.Arrays.toString(sh) + " shift " + shift + " y_min " + yMin;
                assertArrayEquals(want, run(sessions, AsnetDomain.CHANNEL_AFFINE_U8, x, sh, m, o, shifts, yMin),
                        "ChannelAffineU8 " + what);
                long[] nhwc = new long[sh.length];
                nhwc[0] = sh[0];
                System.arraycopy(sh, 2, nhwc, 1, sh.length - 2);
                nhwc[sh.length - 1] = sh[1];
                assertArrayEquals(U8Data.channelsLast(want, n, c, inner), run(sessions, AsnetDomain.CHANNEL_AFFINE_NHWC_U8,
                        U8Data.channelsLast(x, n, c, inner), nhwc, m, o, shifts, yMin), "ChannelAffineNhwcU8 " + what);
                cases++;
            }
        }
        assertEquals(shapes.length * 4, cases);
    }

    private static String failure(String op, long[] shape, int[] m, int[] o, int[] shift, int yMin) {
        int count = 1;
        for (long d : shape) {
            count *= (int) d;
        }
        int[] x = new int[count];
        OrtException e = assertThrows(OrtException.class, () -> run(single, op, x, shape, m, o, shift, yMin));
        return e.getMessage();
    }

    @Test
    void badInputsGetClearErrors() {
        String m = failure(AsnetDomain.CHANNEL_AFFINE_U8, new long[] {1, 2, 3}, new int[3], new int[3], new int[3], 0);
        assertTrue(m.contains("ChannelAffineU8") && m.contains("multiplier") && m.contains("[2]"), m);
        m = failure(AsnetDomain.CHANNEL_AFFINE_NHWC_U8, new long[] {1, 2, 3}, new int[2], new int[2], new int[2], 0);
        assertTrue(m.contains("ChannelAffineNhwcU8") && m.contains("[3]") && m.contains("channels last"), m);
        m = failure(AsnetDomain.CHANNEL_AFFINE_U8, new long[] {1, 2, 3}, new int[] {1, Integer.MAX_VALUE / 255 + 1},
                new int[2], new int[2], 0);
        assertTrue(m.contains("channel 1") && m.contains("overflows int32"), m);
        m = failure(AsnetDomain.CHANNEL_AFFINE_U8, new long[] {1, 2, 3}, new int[] {1000, 0},
                new int[] {Integer.MAX_VALUE - 1000, 0}, new int[2], 0);
        assertTrue(m.contains("channel 0") && m.contains("overflows int32"), m);
        m = failure(AsnetDomain.CHANNEL_AFFINE_U8, new long[] {1, 2, 3}, new int[2], new int[2], new int[] {0, 31}, 0);
        assertTrue(m.contains("channel 1") && m.contains("shift"), m);
    }

    @Test
    void badAttributesFailWhenTheSessionIsCreated() {
        for (long bad : new long[] {256, -1}) {
            byte[] model = model(AsnetDomain.CHANNEL_AFFINE_U8, 4, bad);
            OrtException e = assertThrows(OrtException.class,
                    () -> OpSessions.ENV.createSession(model, single.options()).close());
            assertTrue(e.getMessage().contains("'y_min'"), e.getMessage());
        }
    }
}
