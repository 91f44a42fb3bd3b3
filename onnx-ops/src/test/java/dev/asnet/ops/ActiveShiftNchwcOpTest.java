package dev.asnet.ops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.asnet.exporter.onnx.Onnx.AttributeProto;
import dev.asnet.exporter.onnx.Onnx.GraphProto;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.onnx.Onnx.OperatorSetIdProto;
import dev.asnet.exporter.onnx.Onnx.TensorProto;
import dev.asnet.exporter.onnx.Onnx.TensorShapeProto;
import dev.asnet.exporter.onnx.Onnx.TypeProto;
import dev.asnet.exporter.onnx.Onnx.ValueInfoProto;
import dev.asnet.exporter.ops.AsnetDomain;
import dev.asnet.exporter.testing.ActiveShiftTester;
import dev.asnet.exporter.testing.TestArrays;
import dev.asnet.ops.testing.OneNodeModel;
import dev.asnet.ops.testing.OpSessions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * ActiveShiftNchwc through ONNX Runtime, in the layout ONNX Runtime itself produces: the model
 * {@code com.microsoft.nchwc:ReorderInput -> dev.asnet:ActiveShiftNchwc -> com.microsoft.nchwc:ReorderOutput}
 * must give what the NCHW {@code ActiveShift} gives on the same data, for the block size ONNX
 * Runtime uses on this machine (16 with AVX-512, 8 with AVX2). ONNX Runtime's ReorderInput needs a
 * channel count that is a multiple of 4; 20 channels leave padding in the last block for both
 * block sizes. Then the op's own errors.
 */
class ActiveShiftNchwcOpTest {
    private static final String NCHWC = "com.microsoft.nchwc";

    private static OpSessions single;
    private static OpSessions multi;
    private static int block;

    @BeforeAll
    static void open() throws Exception {
        single = new OpSessions(1);
        multi = new OpSessions(2);
        block = ortBlockSize();
    }

    @AfterAll
    static void close() throws Exception {
        single.close();
        multi.close();
    }

    /**
     * ONNX Runtime's NCHWc block size, learned from ONNX Runtime itself: ReorderInput pads the
     * channels to a multiple of the block, so 4 channels come out as max(4, block).
     */
    static int ortBlockSize() throws OrtException {
        ModelProto.Builder m = model();
        m.getGraphBuilder().addInput(value("X", 1, 4, 1, 1)).addOutput(value("Y"))
                .addNode(NodeProto.newBuilder().setOpType("ReorderInput").setDomain(NCHWC).addInput("X").addOutput("Y"));
        OrtSession s = single.session("block-size", m.build().toByteArray());
        float[][] out = OpSessions.run(s, Map.of("X", new float[4]), Map.of("X", new long[] {1, 4, 1, 1}));
        int b = out[0].length;
        assertTrue(b == 8 || b == 16 || b == 4, "unexpected NCHWc block size " + b);
        return b;
    }

    private static ModelProto.Builder model() {
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(8).setProducerName("asnet-tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(NCHWC).setVersion(1))
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(AsnetDomain.DOMAIN).setVersion(AsnetDomain.VERSION));
        m.getGraphBuilder().setName("nchwc");
        return m;
    }

    private static ValueInfoProto value(String name, Object... dims) {
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE);
        if (dims.length > 0) {
            TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
            for (Object d : dims) {
                TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
                if (d instanceof String s) {
                    dim.setDimParam(s);
                } else {
                    dim.setDimValue(((Number) d).longValue());
                }
                shape.addDim(dim);
            }
            t.setShape(shape);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static AttributeProto integer(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    /** ReorderInput -> ActiveShiftNchwc -> ReorderOutput on an NCHW X with C channels. */
    static byte[] blockedChain(int c, long sh, long sw, int blockSize) {
        ModelProto.Builder m = model();
        m.getGraphBuilder().addInput(value("X", "N", c, "H", "W")).addInput(value("shift", c, 2))
                .addOutput(value("Y"))
                .addNode(NodeProto.newBuilder().setName("to_blocked").setOpType("ReorderInput").setDomain(NCHWC)
                        .addInput("X").addOutput("Xb"))
                .addNode(NodeProto.newBuilder().setName("shift").setOpType(AsnetDomain.ACTIVE_SHIFT_NCHWC)
                        .setDomain(AsnetDomain.DOMAIN).addInput("Xb").addInput("shift").addOutput("Yb")
                        .addAttribute(ints(AsnetDomain.STRIDES, sh, sw))
                        .addAttribute(integer(AsnetDomain.BLOCK_SIZE, blockSize)))
                .addNode(NodeProto.newBuilder().setName("to_nchw").setOpType("ReorderOutput").setDomain(NCHWC)
                        .addInput("Yb").addOutput("Y").addAttribute(integer("channels", c)));
        return m.build().toByteArray();
    }

    private static float[] run(OpSessions sessions, String key, byte[] model, float[] x, long[] shape, float[] shift)
            throws OrtException {
        OrtSession s = sessions.session(key, model);
        return OpSessions.run(s, Map.of("X", x, "shift", shift),
                Map.of("X", shape, "shift", new long[] {shape[1], 2}))[0];
    }

    @Test
    void blockedChainEqualsNchwActiveShift() throws Exception {
        int[][] shapes = {{1, 20, 7, 7}, {2, 20, 14, 14}, {1, 32, 28, 28}, {1, 4, 1, 1}, {1, 16, 5, 56}, {3, 12, 9, 13}};
        long[][] strides = {{1, 1}, {2, 2}, {1, 3}};
        double[] ranges = {1.0, 4.7, 40.0};
        long seed = 1;
        for (int[] s : shapes) {
            for (long[] st : strides) {
                for (double range : ranges) {
                    // X from seed, shifts from seed + 1: the values this sweep has always used.
                    ActiveShiftTester t = new ActiveShiftTester().batch(s[0]).channels(s[1]).height(s[2]).width(s[3])
                            .strides(st[0], st[1]).shiftRange(range).seed(seed);
                    seed += 2;
                    long[] shape = t.inputShape();
                    float[] x = TestArrays.toFloat(t.x());
                    float[] shift = TestArrays.toFloat(t.shift());
                    String what = t + " block " + block;
                    byte[] chain = blockedChain(s[1], st[0], st[1], block);
                    String key = "chain" + st[0] + st[1] + "c" + s[1];
                    // The blocked chain against the Java reference...
                    float[] got = t.testForward((xs, shifts) -> run(single, key, chain, xs, shape, shifts));
                    // ... and, tighter, against the NCHW op, which does the same float arithmetic.
                    float[] want = run(single, "nchw" + st[0] + st[1] + "c" + s[1],
                            OneNodeModel.activeShift(st[0], st[1]).bytes(), x, shape, shift);
                    assertEquals(want.length, got.length, what);
                    for (int i = 0; i < want.length; i++) {
                        assertEquals(want[i], got[i], 2e-6f, what + " at " + i);
                    }
                    // Any thread count gives the same bits.
                    float[] two = run(multi, key, chain, x, shape, shift);
                    assertArrayEquals(got, two, what + " with 2 threads");
                }
            }
        }
    }

    /**
     * The kernel caches its channel-block plans per kernel object, keyed by the shift values: with
     * the shift a graph input that changes between runs of one session (more changes than the
     * kernel keeps caching for, then planning per call), every run must follow its own shift,
     * a shift seen before must give the bits it gave then, and a non-finite shift after cached
     * finite ones of the same shape is still rejected.
     */
    @Test
    void shiftFedAsGraphInputMayChangeBetweenRuns() throws Exception {
        int c = 20;
        byte[] chain = blockedChain(c, 1, 1, block);
        byte[] nchw = OneNodeModel.activeShift(1, 1).bytes();
        float[][] xs = new float[2][];
        float[][] shifts = new float[3][];
        long[] shape = null;
        for (int k = 0; k < 3; k++) {
            ActiveShiftTester t = new ActiveShiftTester().batch(1).channels(c).height(7).width(7)
                    .shiftRange(k == 2 ? 40.0 : 1.0 + 1.7 * k).seed(100 + 2 * k);
            shape = t.inputShape();
            shifts[k] = TestArrays.toFloat(t.shift());
            if (k < 2) {
                xs[k] = TestArrays.toFloat(t.x());
            }
        }
        float[][][] first = new float[2][3][];
        for (int run = 0; run < 30; run++) {
            int k = run % 3;                 // three shifts in turn
            int xi = (run / 3) % 2;          // and two inputs
            OpSessions sessions = run % 2 == 0 ? single : multi;
            float[] got = run(sessions, "changing-shift", chain, xs[xi], shape, shifts[k]);
            if (first[xi][k] == null) {
                float[] want = run(single, "changing-shift-nchw", nchw, xs[xi], shape, shifts[k]);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 2e-6f, "run " + run + " shift " + k + " at " + i);
                }
                first[xi][k] = got;
            } else {
                assertArrayEquals(first[xi][k], got, "run " + run + ": shift " + k + " gave other bits than before");
            }
        }
        float[] nan = shifts[0].clone();
        nan[2 * 3] = Float.NaN;
        long[] fshape = shape;
        OrtException e = assertThrows(OrtException.class, () -> run(single, "changing-shift", chain, xs[0], fshape, nan));
        assertTrue(e.getMessage().contains("ActiveShiftNchwc: shift of channel 3 is not finite"), e.getMessage());
        assertArrayEquals(first[0][0], run(single, "changing-shift", chain, xs[0], shape, shifts[0]), "after the error");
    }

    /** A one-node ActiveShiftNchwc model with declared shapes (null: undeclared). */
    private static OneNodeModel oneNode(Object[] x, Object[] shift) {
        return OneNodeModel.op(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT_NCHWC)
                .input("X", OneNodeModel.FLOAT, x).input("shift", OneNodeModel.FLOAT, shift)
                .output("Y", OneNodeModel.FLOAT);
    }

    private static String sessionError(byte[] model) {
        OrtException e = assertThrows(OrtException.class,
                () -> OpSessions.ENV.createSession(model, single.options()).close());
        return e.getMessage();
    }

    @Test
    void kernelCreationChecksAttributesAndDeclaredShapes() {
        String missing = sessionError(oneNode(new Object[] {1, 16, 4, 4}, new Object[] {16, 2}).bytes());
        assertTrue(missing.contains("ActiveShiftNchwc: attribute 'block_size' is required"), missing);
        String negative = sessionError(oneNode(null, null).integer(AsnetDomain.BLOCK_SIZE, 0).bytes());
        assertTrue(negative.contains("attribute 'block_size' must be > 0, got 0"), negative);
        String strides = sessionError(oneNode(null, null).integer(AsnetDomain.BLOCK_SIZE, 8)
                .ints(AsnetDomain.STRIDES, 0, 1).bytes());
        assertTrue(strides.contains("ActiveShiftNchwc: attribute 'strides' must be >= 1"), strides);
        String divide = sessionError(oneNode(new Object[] {1, 20, 4, 4}, null).integer(AsnetDomain.BLOCK_SIZE, 16).bytes());
        assertTrue(divide.contains("block_size 16 must divide the channels of X, 20"), divide);
        String padded = sessionError(oneNode(new Object[] {1, 32, 4, 4}, new Object[] {8, 2})
                .integer(AsnetDomain.BLOCK_SIZE, 16).bytes());
        assertTrue(padded.contains("input 'shift' has 8 channels, so X must have roundup(8, 16) channels, got 32"), padded);
        String rank = sessionError(oneNode(new Object[] {16, 4, 4}, null).integer(AsnetDomain.BLOCK_SIZE, 16).bytes());
        assertTrue(rank.contains("input X must have rank 4"), rank);
    }

    @Test
    void runTimeChecksShapesAndShiftValues() throws OrtException {
        byte[] model = oneNode(null, null).integer(AsnetDomain.BLOCK_SIZE, 8).bytes();
        OrtSession s = single.session("undeclared", model);
        OrtException divide = assertThrows(OrtException.class, () -> OpSessions.run(s,
                Map.of("X", new float[12], "shift", new float[24]), Map.of("X", new long[] {1, 12, 1, 1}, "shift", new long[] {12, 2})));
        assertTrue(divide.getMessage().contains("block_size 8 must divide the channels of X, 12"), divide.getMessage());
        OrtException padded = assertThrows(OrtException.class, () -> OpSessions.run(s,
                Map.of("X", new float[16], "shift", new float[16]), Map.of("X", new long[] {1, 16, 1, 1}, "shift", new long[] {8, 2})));
        assertTrue(padded.getMessage().contains("so X must have roundup(8, 8) channels, got 16"), padded.getMessage());
        float[] shift = new float[2 * 7];
        shift[2 * 5 + 1] = Float.NaN;
        OrtException nan = assertThrows(OrtException.class, () -> OpSessions.run(s,
                Map.of("X", new float[8 * 9], "shift", shift), Map.of("X", new long[] {1, 8, 3, 3}, "shift", new long[] {7, 2})));
        assertTrue(nan.getMessage().contains("ActiveShiftNchwc: shift of channel 5 is not finite"), nan.getMessage());
        // Padding channels produce 0 whatever they hold; real ones follow the shift.
        float[] x = new float[8 * 4];
        java.util.Arrays.fill(x, 1.0f);
        float[] ok = OpSessions.run(s, Map.of("X", x, "shift", new float[14]),
                Map.of("X", new long[] {1, 8, 2, 2}, "shift", new long[] {7, 2}))[0];
        for (int p = 0; p < 4; p++) {
            for (int l = 0; l < 8; l++) {
                assertEquals(l < 7 ? 1.0f : 0.0f, ok[p * 8 + l], "pixel " + p + " lane " + l);
            }
        }
    }
}
