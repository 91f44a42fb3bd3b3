package dev.asnet.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.ops.testing.OneNodeModel;
import dev.asnet.ops.testing.OpSessions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CPU kernels take inputs that are constant initializers once, when ONNX Runtime creates the
 * kernel, instead of reading their type and shape on every call (register.cc, {@code
 * ConstantInput}). For every CPU op with parameter inputs (shifts, scales, zero points, per-channel
 * integers): the same values as initializers give the same bytes as fed inputs; an initializer
 * that is also a graph input (not a constant to ONNX Runtime: a run may override it, which the Java
 * API cannot do) goes through the per-call path with the same bytes; a bad constant gets the error
 * a bad fed value gets, and on every call.
 */
class ConstantInputsTest {
    private static OpSessions sessions;

    @BeforeAll
    static void open() throws Exception {
        sessions = new OpSessions(1);
    }

    @AfterAll
    static void close() throws Exception {
        sessions.close();
    }

    /** One input of a node: its name, element type, shape and little-endian elements. */
    private record Input(String name, int type, long[] dims, byte[] raw) {}

    /** How the parameter inputs reach the node: graph inputs, constant initializers, or both. */
    private enum Params { FED, CONSTANT, OVERRIDABLE }

    /**
     * One op: its data inputs (always fed), its parameter inputs (fed, constant or overridable),
     * how many outputs it has, and its attributes.
     */
    private record Spec(String op, List<Input> data, List<Input> params, int outputs, UnaryOperator<OneNodeModel> attrs) {
        byte[] model(Params how) {
            OneNodeModel m = OneNodeModel.op(AsnetDomain.DOMAIN, op);
            for (Input in : data) {
                m.input(in.name(), in.type(), boxed(in.dims()));
            }
            for (Input in : params) {
                if (how == Params.FED) {
                    m.input(in.name(), in.type(), boxed(in.dims()));
                } else {
                    m.initializer(in.name(), in.type(), in.raw(), how == Params.OVERRIDABLE, in.dims());
                }
            }
            for (int i = 0; i < outputs; i++) {
                m.output("Y" + i, data.get(0).type());  // X's element type (uint8 ops: uint8 out)
            }
            return attrs.apply(m).bytes();
        }
    }

    /**
     * Runs the op twice in one session (the second call uses what the kernel kept) with its
     * parameters given as `how`, feeding `fed` where they are graph inputs; both calls must agree.
     */
    private static List<byte[]> run(Spec spec, Params how, List<Input> fed) throws OrtException {
        try (OrtSession s = OpSessions.ENV.createSession(spec.model(how), sessions.options())) {
            List<byte[]> first = call(s, spec, how, fed);
            assertSame(first, call(s, spec, how, fed), spec.op() + " " + how + ", second call");
            return first;
        }
    }

    private static List<byte[]> call(OrtSession s, Spec spec, Params how, List<Input> fed) throws OrtException {
        List<Input> feeds = new ArrayList<>(spec.data());
        if (how == Params.FED) {
            feeds.addAll(fed);
        }
        Map<String, OnnxTensor> in = new LinkedHashMap<>();
        try {
            for (Input i : feeds) {
                ByteBuffer b = ByteBuffer.allocateDirect(i.raw().length).order(ByteOrder.nativeOrder());
                b.put(i.raw()).flip();
                in.put(i.name(), OnnxTensor.createTensor(OpSessions.ENV, b, i.dims(), javaType(i.type())));
            }
            try (OrtSession.Result r = s.run(in)) {
                List<byte[]> out = new ArrayList<>();
                for (int k = 0; k < spec.outputs(); k++) {
                    ByteBuffer b = ((OnnxTensor) r.get(k)).getByteBuffer();
                    byte[] bytes = new byte[b.remaining()];
                    b.get(bytes);
                    out.add(bytes);
                }
                return out;
            }
        } finally {
            for (OnnxTensor t : in.values()) {
                t.close();
            }
        }
    }

    private static OnnxJavaType javaType(int type) {
        return switch (type) {
            case OneNodeModel.FLOAT -> OnnxJavaType.FLOAT;
            case OneNodeModel.INT32 -> OnnxJavaType.INT32;
            case OneNodeModel.UINT8 -> OnnxJavaType.UINT8;
            default -> throw new IllegalArgumentException("element type " + type);
        };
    }

    private static Object[] boxed(long[] dims) {
        return Arrays.stream(dims).boxed().toArray();
    }

    private static Input floats(String name, long[] dims, float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return new Input(name, OneNodeModel.FLOAT, dims, b.array());
    }

    private static Input ints(String name, long[] dims, int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int i : v) {
            b.putInt(i);
        }
        return new Input(name, OneNodeModel.INT32, dims, b.array());
    }

    private static Input bytes(String name, long[] dims, Random rnd) {
        byte[] v = new byte[Math.toIntExact(Arrays.stream(dims).reduce(1, (a, b) -> a * b))];
        rnd.nextBytes(v);
        return new Input(name, OneNodeModel.UINT8, dims, v);
    }

    private static Input randomFloats(String name, long[] dims, double range, Random rnd) {
        float[] v = new float[Math.toIntExact(Arrays.stream(dims).reduce(1, (a, b) -> a * b))];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((rnd.nextDouble() * 2 - 1) * range);
        }
        return floats(name, dims, v);
    }

    private static long[] dims(long... d) {
        return d;
    }

    /** Shift-op parameters: shift [C, 2] in +-2.5, and for the uint8 ops x_scale and x_zero_point. */
    private static List<Input> shiftParams(int c, boolean u8, Random rnd) {
        List<Input> p = new ArrayList<>(List.of(randomFloats("shift", dims(c, 2), 2.5, rnd)));
        if (u8) {
            p.add(floats("x_scale", dims(), 0.02f + rnd.nextFloat() * 0.1f));
            p.add(new Input("x_zero_point", OneNodeModel.UINT8, dims(), new byte[] {(byte) rnd.nextInt(256)}));
        }
        return p;
    }

    /** ChannelAffineU8 parameters within the op's bounds: multiplier, offset and shift [C]. */
    private static List<Input> affineParams(int c, Random rnd) {
        int[] m = new int[c];
        int[] o = new int[c];
        int[] s = new int[c];
        for (int i = 0; i < c; i++) {
            s[i] = rnd.nextInt(13);
            m[i] = rnd.nextInt(1 << (s[i] + 2)) - (1 << (s[i] + 1));
            o[i] = rnd.nextInt(1 << (s[i] + 9)) - (1 << (s[i] + 7));
        }
        return List.of(ints("multiplier", dims(c), m), ints("offset", dims(c), o), ints("shift", dims(c), s));
    }

    private static List<Spec> specs(Random rnd) {
        List<Spec> all = new ArrayList<>();
        all.add(new Spec(AsnetDomain.ACTIVE_SHIFT, List.of(randomFloats("X", dims(2, 5, 6, 7), 1, rnd)),
                shiftParams(5, false, rnd), 1, m -> m.ints(AsnetDomain.STRIDES, 1, 2)));
        all.add(new Spec(AsnetDomain.ACTIVE_SHIFT_GRAD,
                List.of(randomFloats("dY", dims(2, 5, 6, 7), 1, rnd), randomFloats("X", dims(2, 5, 6, 7), 1, rnd)),
                shiftParams(5, false, rnd), 2, m -> m.ints(AsnetDomain.STRIDES, 1, 1)));
        all.add(new Spec(AsnetDomain.ACTIVE_SHIFT_NCHWC, List.of(randomFloats("X", dims(1, 32, 5, 6), 1, rnd)),
                shiftParams(20, false, rnd), 1, m -> m.integer(AsnetDomain.BLOCK_SIZE, 16)));
        all.add(new Spec(AsnetDomain.ACTIVE_SHIFT_U8, List.of(bytes("X", dims(1, 5, 6, 7), rnd)),
                shiftParams(5, true, rnd), 1, m -> m));
        all.add(new Spec(AsnetDomain.ACTIVE_SHIFT_NHWC_U8, List.of(bytes("X", dims(1, 6, 7, 20), rnd)),
                shiftParams(20, true, rnd), 1, m -> m.ints(AsnetDomain.STRIDES, 2, 1)));
        all.add(new Spec(AsnetDomain.CHANNEL_AFFINE_U8, List.of(bytes("X", dims(2, 5, 6), rnd)), affineParams(5, rnd),
                1, m -> m.integer(AsnetDomain.Y_MIN, 3)));
        all.add(new Spec(AsnetDomain.CHANNEL_AFFINE_NHWC_U8, List.of(bytes("X", dims(2, 6, 20), rnd)),
                affineParams(20, rnd), 1, m -> m));
        return all;
    }

    private static void assertSame(List<byte[]> want, List<byte[]> got, String what) {
        for (int k = 0; k < want.size(); k++) {
            assertArrayEquals(want.get(k), got.get(k), what + ", output " + k);
        }
    }

    @Test
    void constantParametersGiveTheBytesOfFedOnes() throws OrtException {
        Random rnd = new Random(41);
        for (Spec spec : specs(rnd)) {
            List<byte[]> fed = run(spec, Params.FED, spec.params());
            assertSame(fed, run(spec, Params.CONSTANT, List.of()), spec.op() + " constant");
        }
    }

    /**
     * An initializer that is also a graph input is not a constant to ONNX Runtime (a run may feed
     * another value; the Java API cannot, so the run here uses the initializer): the kernel reads it
     * per call, with the same bytes.
     */
    @Test
    void anOverridableInitializerIsReadPerCall() throws OrtException {
        Random rnd = new Random(42);
        for (Spec spec : specs(rnd)) {
            assertSame(run(spec, Params.FED, spec.params()), run(spec, Params.OVERRIDABLE, List.of()),
                    spec.op() + " overridable");
        }
    }

    @Test
    void aBadConstantFailsEveryCall() {
        long[] x = {1, 3, 4, 4};
        Spec shift = new Spec(AsnetDomain.ACTIVE_SHIFT, List.of(floats("X", x, new float[48])),
                List.of(floats("shift", dims(3, 2), 0, 0, Float.NaN, 1, 0, 0)), 1, m -> m);
        Spec affine = new Spec(AsnetDomain.CHANNEL_AFFINE_U8, List.of(new Input("X", OneNodeModel.UINT8, x, new byte[48])),
                List.of(ints("multiplier", dims(3), 1, 1, 1), ints("offset", dims(3), 0, 0, 0), ints("shift", dims(3), 0, 31, 0)),
                1, m -> m);
        for (int call = 0; call < 2; call++) {
            OrtException e = assertThrows(OrtException.class, () -> run(shift, Params.CONSTANT, List.of()));
            assertTrue(e.getMessage().contains("ActiveShift: shift of channel 1 is not finite"), e.getMessage());
            e = assertThrows(OrtException.class, () -> run(affine, Params.CONSTANT, List.of()));
            assertTrue(e.getMessage().contains("ChannelAffineU8: channel 1: shift must be in [0, 30], got 31"), e.getMessage());
        }
    }
}
