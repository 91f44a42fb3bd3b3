package dev.asnet.ops;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.ops.testing.OneNodeModel;
import dev.asnet.ops.testing.OpSessions;
import dev.asnet.ops.testing.OrtErrors;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every bad input is a clear ONNX Runtime error naming the problem, never a crash. */
class BadInputTest {
    private static OpSessions sessions;

    @BeforeAll
    static void open() throws Exception {
        sessions = new OpSessions(1);
    }

    @AfterAll
    static void close() throws Exception {
        sessions.close();
    }

    /** A model whose input shapes are left unknown, so only the kernel can check them. */
    private static OrtSession unchecked() throws OrtException {
        byte[] model = OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT)
                .input("X", OneNodeModel.FLOAT, (Object[]) null).input("shift", OneNodeModel.FLOAT, (Object[]) null)
                .output("Y", OneNodeModel.FLOAT).bytes();
        return sessions.session("unchecked", model);
    }

    private static void runUnchecked(long[] xShape, long[] shiftShape, float[] shift) throws OrtException {
        int n = 1;
        for (long d : xShape) {
            n *= (int) d;
        }
        OpSessions.run(unchecked(), Map.of("X", new float[n], "shift", shift),
                Map.of("X", xShape, "shift", shiftShape));
    }

    @Test
    void wrongRankAtRunTime() {
        OrtErrors.expect(() -> runUnchecked(new long[] {2, 3, 4}, new long[] {2, 2}, new float[4]),
                "ActiveShift", "rank 4", "[2,3,4]");
    }

    @Test
    void wrongRankAtSessionCreation() {
        byte[] model = OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT)
                .input("X", OneNodeModel.FLOAT, 1L, 2L, 3L).input("shift", OneNodeModel.FLOAT, 2L, 2L)
                .output("Y", OneNodeModel.FLOAT).bytes();
        OrtErrors.expect(() -> OpSessions.ENV.createSession(model, sessions.options()).close(), "rank 4");
    }

    @Test
    void shiftNotCBy2() {
        OrtErrors.expect(() -> runUnchecked(new long[] {1, 3, 4, 4}, new long[] {3, 3}, new float[9]),
                "'shift' must have shape [C, 2]", "[3,3]");
    }

    @Test
    void channelMismatch() {
        OrtErrors.expect(() -> runUnchecked(new long[] {1, 3, 4, 4}, new long[] {4, 2}, new float[8]),
                "4 channels but X has 3");
    }

    @Test
    void channelMismatchAtSessionCreation() {
        byte[] model = OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT)
                .input("X", OneNodeModel.FLOAT, 1L, 3L, 4L, 4L).input("shift", OneNodeModel.FLOAT, 5L, 2L)
                .output("Y", OneNodeModel.FLOAT).bytes();
        OrtErrors.expect(() -> OpSessions.ENV.createSession(model, sessions.options()).close(), "5 channels but X has 3");
    }

    @Test
    void nonFloatInputIsRejected() {
        byte[] model = OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT)
                .input("X", OneNodeModel.DOUBLE, "N", "C", "H", "W").input("shift", OneNodeModel.FLOAT, "C", 2L)
                .output("Y", OneNodeModel.FLOAT).bytes();
        OrtErrors.expect(() -> OpSessions.ENV.createSession(model, sessions.options()).close(), "ActiveShift");
    }

    @Test
    void nonPositiveStrides() {
        OrtErrors.expect(() -> OpSessions.ENV.createSession(OneNodeModel.activeShift(0, 1).bytes(), sessions.options()).close(),
                "'strides' must be >= 1", "[0,1]");
        OrtErrors.expect(() -> OpSessions.ENV.createSession(OneNodeModel.activeShiftGrad(2, -1).bytes(), sessions.options()).close(),
                "ActiveShiftGrad", "'strides' must be >= 1");
    }

    @Test
    void stridesOfWrongLength() {
        byte[] model = OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT)
                .input("X", OneNodeModel.FLOAT, "N", "C", "H", "W").input("shift", OneNodeModel.FLOAT, "C", 2L)
                .output("Y", OneNodeModel.FLOAT).ints(AsnetDomain.STRIDES, 1, 2, 3).bytes();
        OrtErrors.expect(() -> OpSessions.ENV.createSession(model, sessions.options()).close(), "2 values", "got 3");
    }

    @Test
    void stridesOfWrongType() {
        byte[] model = OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT)
                .input("X", OneNodeModel.FLOAT, "N", "C", "H", "W").input("shift", OneNodeModel.FLOAT, "C", 2L)
                .output("Y", OneNodeModel.FLOAT).floats(AsnetDomain.STRIDES, 1f, 2f).bytes();
        OrtErrors.expect(() -> OpSessions.ENV.createSession(model, sessions.options()).close(), "ActiveShift", "strides");
    }

    @Test
    void nonFiniteShiftNamesTheChannel() {
        float[] shift = {0.5f, 0.5f, 0.1f, Float.NaN, 0f, 0f};
        OrtErrors.expect(() -> runUnchecked(new long[] {1, 3, 4, 4}, new long[] {3, 2}, shift),
                "shift of channel 1 is not finite");
        float[] inf = {Float.POSITIVE_INFINITY, 0f};
        OrtErrors.expect(() -> runUnchecked(new long[] {1, 1, 4, 4}, new long[] {1, 2}, inf),
                "shift of channel 0 is not finite");
    }

    @Test
    void gradientWithWrongDyShape() throws Exception {
        OrtSession s = sessions.session("grad2", OneNodeModel.activeShiftGrad(2, 2).bytes());
        OrtErrors.expect(() -> OpSessions.run(s,
                Map.of("dY", new float[16], "X", new float[16], "shift", new float[2]),
                Map.of("dY", new long[] {1, 1, 4, 4}, "X", new long[] {1, 1, 4, 4}, "shift", new long[] {1, 2})),
                "ActiveShiftGrad", "dY must have shape [1,1,2,2]");
    }

    @Test
    void missingLibraryOverrideIsAClearError() {
        String old = System.getProperty(AsnetOps.LIBRARY_PROPERTY);
        System.setProperty(AsnetOps.LIBRARY_PROPERTY, "/nonexistent/libasnet_ops.so");
        try {
            Throwable e = assertThrows(java.io.IOException.class, AsnetOps::libraryPath);
            assertTrue(e.getMessage().contains("/nonexistent/libasnet_ops.so"));
        } finally {
            if (old == null) {
                System.clearProperty(AsnetOps.LIBRARY_PROPERTY);
            } else {
                System.setProperty(AsnetOps.LIBRARY_PROPERTY, old);
            }
        }
    }
}
