package dev.asnet.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.asnet.exporter.io.OnnxReader;
import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.Attribute;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.IrException;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.ops.ConvOptions;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.exporter.ops.OpRegistry;
import dev.asnet.exporter.ops.PoolOptions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Builder misuse fails when the node is built, with a message naming the node and the mismatch. */
class BuilderValidationTest {
    private Graph g;
    private GraphBuilder b;
    private Value x;

    @BeforeEach
    void setUp() {
        g = new Graph("net", OpRegistry.standard());
        b = new GraphBuilder(g);
        x = b.input("x", DataType.FLOAT, Shape.batched("N", 8, 16, 16));
    }

    private Value weight(long... dims) {
        int n = 1;
        for (long d : dims) {
            n *= (int) d;
        }
        return b.parameter(null, Tensor.ofFloats(new float[n], dims));
    }

    private static void fails(String message, Executable e) {
        IrException ex = assertThrows(IrException.class, e);
        assertEquals(message, ex.getMessage());
    }

    @Test
    void convChannelMismatch() {
        Value w = weight(4, 3, 3, 3);
        fails("Conv node 'c1': input X has 8 channels but W [4, 3, 3, 3] with group 1 expects 3",
                () -> b.conv("c1", x, w, null, ConvOptions.defaults()));
    }

    @Test
    void depthwiseConvWithWrongGroups() {
        Value w = weight(8, 1, 3, 3);
        fails("Conv node 'dw': input X has 8 channels but W [8, 1, 3, 3] with group 4 expects 4",
                () -> b.conv("dw", x, w, null, ConvOptions.builder().optGroups(4).build()));
    }

    @Test
    void convBiasOfWrongLength() {
        Value w = weight(4, 8, 1, 1);
        Value bias = weight(5);
        fails("Conv node 'c': bias B has shape [5] but W has 4 output channels",
                () -> b.conv("c", x, w, bias, ConvOptions.defaults()));
    }

    @Test
    void windowLargerThanInput() {
        Value small = b.input("s", DataType.FLOAT, Shape.batched("N", 8, 2, 2));
        fails("MaxPool node 'p': window of 3 (dilation 1) does not fit input height 2 with pads 0+0",
                () -> b.maxPool("p", small, PoolOptions.builder().setKernel(3, 3).build()));
    }

    @Test
    void addThatDoesNotBroadcast() {
        Value y = b.input("y", DataType.FLOAT, Shape.batched("N", 4, 16, 16));
        fails("Add node 'sum': shapes [N, 8, 16, 16] and [N, 4, 16, 16] do not broadcast (8 vs 4)", () -> b.add("sum", x, y));
    }

    @Test
    void gemmInnerDimensions() {
        Value flat = b.flatten("f", x, 1);
        Value w = weight(10, 100);
        fails("Gemm node 'fc': inner dimensions differ: A [N, 2048] has K=2048 but B [10, 100] (transposed) has K=100",
                () -> b.linear("fc", flat, w, null));
    }

    @Test
    void shiftOfWrongShape() {
        Value s = weight(4, 2);
        fails("ActiveShift node 'asl': shift must be [C, 2] with C = 8 (channels of X [N, 8, 16, 16]) but is [4, 2]",
                () -> b.activeShift("asl", x, s, 1, 1));
    }

    @Test
    void activeShiftGradShapes() {
        Value s = weight(8, 2);
        Value dy = b.input("dy", DataType.FLOAT, Shape.batched("N", 8, 8, 8));
        var grad = g.addNode("dev.asnet", "ActiveShiftGrad", "grad", List.of(dy, x, s),
                List.of(Attribute.ofInts("strides", 2, 2)));
        assertEquals("[N, 8, 16, 16]", grad.outputs().get(0).shape().toString());
        assertEquals("[8, 2]", grad.outputs().get(1).shape().toString());
        fails("ActiveShiftGrad node 'grad1': dY has shape [N, 8, 8, 8] but the forward output is [N, 8, 16, 16]",
                () -> g.addNode("dev.asnet", "ActiveShiftGrad", "grad1", List.of(dy, x, s), List.of()));
    }

    @Test
    void wrongRank() {
        Value v = b.input("v", DataType.FLOAT, Shape.of(3, 4));
        fails("GlobalAveragePool node #0 (unnamed): input X must have rank >= 3 but has shape [3, 4]",
                () -> b.globalAveragePool(null, v));
    }

    @Test
    void unknownAttribute() {
        fails("Relu node 'r': unknown attribute 'alpha' (Relu accepts no attributes)",
                () -> g.addNode("", "Relu", "r", List.of(x), List.of(Attribute.ofFloat("alpha", 0.1f))));
        Value w = weight(4, 8, 1, 1);
        fails("Conv node 'c': unknown attribute 'auto_pad' (Conv accepts [dilations, group, kernel_shape, pads, strides])",
                () -> g.addNode("", "Conv", "c", List.of(x, w), List.of(Attribute.ofString("auto_pad", "SAME_UPPER"))));
    }

    @Test
    void attributeOfWrongTypeOrLength() {
        Value w = weight(4, 8, 1, 1);
        fails("Conv node 'c': attribute 'group' must be INT but is FLOAT",
                () -> g.addNode("", "Conv", "c", List.of(x, w), List.of(Attribute.ofFloat("group", 1f))));
        fails("Conv node 'c': attribute 'strides' must have 2 values but has 3 [1, 1, 1]",
                () -> g.addNode("", "Conv", "c", List.of(x, w), List.of(Attribute.ofInts("strides", 1, 1, 1))));
        fails("Conv node 'c': attribute kernel_shape [3, 3] does not match W [4, 8, 1, 1]",
                () -> g.addNode("", "Conv", "c", List.of(x, w), List.of(Attribute.ofInts("kernel_shape", 3, 3))));
    }

    @Test
    void missingInputAndAttribute() {
        fails("Conv node 'c': expects at least 2 inputs [X, W] but got 1",
                () -> g.addNode("", "Conv", "c", List.of(x), List.of()));
        fails("Concat node 'cat': required attribute 'axis' is missing",
                () -> g.addNode("", "Concat", "cat", List.of(x, x), List.of()));
    }

    @Test
    void unknownOp() {
        fails("Frobnicate node 'f': unknown op 'Frobnicate' (not in the op registry)",
                () -> g.addNode("", "Frobnicate", "f", List.of(x), List.of()));
    }

    @Test
    void danglingValueFromAnotherGraph() {
        Graph other = new Graph("other", OpRegistry.standard());
        Value foreign = other.addInput("z", DataType.FLOAT, Shape.batched("N", 8, 16, 16));
        fails("Add node 'a': input 1 (B) is dangling: value 'z' FLOAT[N, 8, 16, 16] belongs to graph 'other', not to 'net'",
                () -> b.add("a", x, foreign));
        fails("graph 'net': output 'z' FLOAT[N, 8, 16, 16] is dangling: it belongs to graph 'other'",
                () -> g.addOutput(foreign));
    }

    @Test
    void danglingValueInAFileIsReported() {
        Value y = b.relu("r", x);
        b.output(y, "y");
        ModelProto p = OnnxWriter.toProto(new Model(g));
        NodeProto broken = p.getGraph().getNode(0).toBuilder().setInput(0, "nowhere").build();
        ModelProto bad = p.toBuilder().setGraph(p.getGraph().toBuilder().setNode(0, broken)).build();
        fails("Relu node 'r': input 0 'nowhere' is dangling: no graph input, initializer or earlier node output has that name",
                () -> OnnxReader.fromProto(bad));
    }

    @Test
    void duplicateNames() {
        b.relu("act", x);
        fails("graph 'net': duplicate node name 'act' (already used by Relu node 'act')", () -> b.relu("act", x));
        fails("graph 'net': duplicate value name 'x' (already used by 'x' FLOAT[N, 8, 16, 16])",
                () -> b.input("x", DataType.FLOAT, Shape.of(1)));
        Value y = b.relu(null, x);
        fails("graph 'net': duplicate value name 'x' (already used by 'x' FLOAT[N, 8, 16, 16])", () -> y.setName("x"));
    }

    @Test
    void graphWithoutOutputs() {
        b.relu("r", x);
        fails("graph 'net' has no outputs; call addOutput", () -> OnnxWriter.toProto(new Model(g)));
    }

    @Test
    void opNewerThanTheTargetOpset() {
        Value grid = b.input("grid", DataType.FLOAT, Shape.batched("N", 4, 4, 2));
        b.output(b.gridSample("gs", x, grid, "bilinear", "zeros", false), "y");
        Model m = new Model(g).setOpsetVersion(15);
        fails("GridSample node 'gs': needs opset >= 16 but the model targets opset 15", () -> OnnxWriter.toProto(m));
    }

    @Test
    void theSharedRegistryIsFrozenButCopiesExtend() {
        dev.asnet.exporter.ops.OpSchema gelu = dev.asnet.exporter.ops.OpSchema.builder("", "Gelu").setSinceVersion(20)
                .addInputs("X").setShapeFunction(ctx -> List.of(ctx.input(0).type())).build();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> dev.asnet.exporter.ops.OpRegistry.standard().register(gelu));
        assertEquals("the standard registry is shared; register into OpRegistry.standard().copy()", e.getMessage());
        Graph custom = new Graph("ext", dev.asnet.exporter.ops.OpRegistry.standard().copy().register(gelu));
        Value in = custom.addInput("x", DataType.FLOAT, Shape.of(2, 3));
        assertEquals("[2, 3]", custom.addNode("", "Gelu", "g", List.of(in), List.of()).output().shape().toString());
        fails("Gelu node 'g': unknown op 'Gelu' (not in the op registry)", () -> g.addNode("", "Gelu", "g", List.of(x), List.of()));
    }

    @Test
    void optionBuildersValidate() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvOptions.builder().optStrides(0, 1).build());
        assertEquals("Conv strides must be >= 1, got [0, 1]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PoolOptions.builder().optStride(2).build());
        assertEquals("pool options need a kernel: call setKernel", e.getMessage());
    }

    @Test
    void hugeStridesGiveTheExactShapeOrAClearError() {
        // ActiveShift: a stride beyond the extent gives one output, never a wrapped size.
        Value shift = b.parameter(null, Tensor.ofFloats(new float[16], 8, 2));
        Value y = b.activeShift("asl", x, shift, Long.MAX_VALUE, 1);
        assertEquals(Shape.batched("N", 8, 1, 16).toString(), y.shape().toString());
        // Conv: a stride of Long.MAX_VALUE also leaves one window.
        Value w = weight(4, 8, 3, 3);
        Value c = b.conv("c", x, w, null, ConvOptions.builder().optStride(Long.MAX_VALUE).build());
        assertEquals(Shape.batched("N", 4, 1, 1).toString(), c.shape().toString());
    }
}
