package dev.asnet.runtime.nchwc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.onnx.Onnx.AttributeProto;
import dev.asnet.exporter.onnx.Onnx.GraphProto;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.onnx.Onnx.ValueInfoProto;
import dev.asnet.exporter.ops.AsnetDomain;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The channels-last rewrite on hand-made graphs shaped like ONNX Runtime's optimized graph of a
 * quantized pre-activation network: a layout island (Transposes into NCHW, a QLinearAdd, a
 * ChannelAffineU8, Transposes back, a pooling head) becomes channels-last with no Transpose left;
 * an island with a reader outside it, or whose exit is a graph output, is left exactly as it was.
 */
class ChannelsLastU8RewriterTest {
    private static final List<Long> TO_NCHW = List.of(0L, 3L, 1L, 2L);
    private static final List<Long> TO_NHWC = List.of(0L, 2L, 3L, 1L);

    private static NodeProto transpose(String name, String in, String out, List<Long> perm) {
        return NodeProto.newBuilder().setName(name).setOpType("Transpose").addInput(in).addOutput(out)
                .addAttribute(AttributeProto.newBuilder().setName("perm").setType(AttributeProto.AttributeType.INTS)
                        .addAllInts(perm))
                .build();
    }

    private static NodeProto node(String domain, String op, String name, List<String> in, String out) {
        return NodeProto.newBuilder().setDomain(domain).setOpType(op).setName(name).addAllInput(in).addOutput(out).build();
    }

    /**
     * a, b (channels-last) -> Transpose to NCHW -> QLinearAdd -> sum -> ChannelAffineU8 -> y ->
     * Transpose to NHWC -> Identity -> out; sum -> QLinearGlobalAveragePool -> Flatten -> pooled;
     * extra: another node reading sum (makes the island invalid), or null.
     */
    private static ModelProto graph(NodeProto extra, boolean exitIsGraphOutput) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g");
        for (String v : List.of("a", "b")) {
            g.addInput(ValueInfoProto.newBuilder().setName(v));
        }
        g.addNode(transpose("ta", "a", "a_nchw", TO_NCHW));
        g.addNode(transpose("tb", "b", "b_nchw", TO_NCHW));
        g.addNode(node("com.microsoft", "QLinearAdd", "add", List.of("a_nchw", "s", "z", "b_nchw", "s", "z", "s", "z"),
                "sum"));
        g.addNode(node(AsnetDomain.DOMAIN, AsnetDomain.CHANNEL_AFFINE_U8, "bn", List.of("sum", "m", "o", "k"), "y"));
        g.addNode(transpose("ty", "y", "y_nhwc", TO_NHWC));
        if (!exitIsGraphOutput) {
            g.addNode(node("", "Identity", "id", List.of("y_nhwc"), "out"));
        }
        g.addNode(node("com.microsoft", "QLinearGlobalAveragePool", "gap", List.of("sum", "s", "z", "s", "z"), "pool"));
        g.addNode(node("", "Flatten", "flat", List.of("pool"), "pooled"));
        if (extra != null) {
            g.addNode(extra);
        }
        g.addOutput(ValueInfoProto.newBuilder().setName(exitIsGraphOutput ? "y_nhwc" : "out"));
        g.addOutput(ValueInfoProto.newBuilder().setName("pooled"));
        g.addValueInfo(ValueInfoProto.newBuilder().setName("sum"));
        g.addValueInfo(ValueInfoProto.newBuilder().setName("pool"));
        return ModelProto.newBuilder().setGraph(g).build();
    }

    private static Map<String, NodeProto> byName(ModelProto m) {
        return m.getGraph().getNodeList().stream().collect(Collectors.toMap(NodeProto::getName, Function.identity()));
    }

    @Test
    void anIslandBecomesChannelsLastWithNoTransposeLeft() {
        ChannelsLastU8Rewriter.Result r = ChannelsLastU8Rewriter.rewrite(graph(null, false));
        assertEquals(1, r.affineRewritten());
        assertEquals(0, r.affineLeft());
        Map<String, NodeProto> n = byName(r.model());
        assertTrue(n.keySet().stream().noneMatch(k -> k.startsWith("t")), "Transposes left: " + n.keySet());
        assertEquals(List.of("a", "s", "z", "b", "s", "z", "s", "z"), n.get("add").getInputList());
        assertEquals(AsnetDomain.CHANNEL_AFFINE_NHWC_U8, n.get("bn").getOpType());
        assertEquals(List.of("sum", "m", "o", "k"), n.get("bn").getInputList());
        assertEquals(List.of("y"), n.get("id").getInputList(), "the exit Transpose's reader reads the op directly");
        NodeProto gap = n.get("gap");
        assertEquals(1L, NchwcOps.attribute(gap, "channels_last").getI());
        assertEquals("sum", gap.getInput(0));
        // Shapes recorded for values that changed layout are dropped (ONNX Runtime infers them again).
        assertTrue(r.model().getGraph().getValueInfoList().isEmpty(), r.model().getGraph().getValueInfoList().toString());
    }

    @Test
    void anIslandWithAnOutsideReaderIsLeftAlone() {
        ModelProto m = graph(node("", "Relu", "relu", List.of("sum"), "r"), false);
        ChannelsLastU8Rewriter.Result r = ChannelsLastU8Rewriter.rewrite(m);
        assertSame(m, r.model());
        assertEquals(0, r.affineRewritten());
        assertEquals(1, r.affineLeft());
    }

    @Test
    void aTransposeIntoTheIslandWithAnOutsideReaderStaysForIt() {
        ModelProto m = graph(node("", "Relu", "relu", List.of("a_nchw"), "r"), false);
        ChannelsLastU8Rewriter.Result r = ChannelsLastU8Rewriter.rewrite(m);
        assertEquals(1, r.affineRewritten());
        Map<String, NodeProto> n = byName(r.model());
        assertTrue(n.containsKey("ta"), "the Transpose stays for the Relu");
        assertEquals(List.of("a_nchw"), n.get("relu").getInputList());
        assertEquals("a", n.get("add").getInput(0), "the island reads the channels-last value");
        assertTrue(!n.containsKey("tb") && !n.containsKey("ty"), n.keySet().toString());
    }

    @Test
    void anIslandWhoseExitIsAGraphOutputIsLeftAlone() {
        ModelProto m = graph(null, true);
        ChannelsLastU8Rewriter.Result r = ChannelsLastU8Rewriter.rewrite(m);
        assertSame(m, r.model());
        assertEquals(1, r.affineLeft());
    }

    @Test
    void aPoolReadByAnythingButFlattenEndsTheRewrite() {
        ModelProto base = graph(null, false);
        GraphProto.Builder g = base.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getName().equals("flat")) {
                g.setNode(i, node("", "Reshape", "flat", List.of("pool", "shape"), "pooled"));
            }
        }
        ModelProto m = base.toBuilder().setGraph(g).build();
        ChannelsLastU8Rewriter.Result r = ChannelsLastU8Rewriter.rewrite(m);
        assertSame(m, r.model());
    }

    @Test
    void aShiftKeptNchwGetsItsOwnTransposesInsideTheIsland() {
        // sum -> ActiveShiftU8 (a shift with spread offsets on a large map: its NCHW kernel is the
        // faster one) -> Transpose back; the rest of the island still goes channels-last.
        ModelProto base = graph(null, false);
        GraphProto.Builder g = base.getGraph().toBuilder();
        g.addNode(node(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT_U8, "asl", List.of("sum", "shift", "s", "z"), "shifted"));
        g.addNode(transpose("ts", "shifted", "shifted_nhwc", TO_NHWC));
        g.addNode(node("", "Identity", "id2", List.of("shifted_nhwc"), "out2"));
        g.addOutput(ValueInfoProto.newBuilder().setName("out2"));
        float[] shift = new float[32];
        for (int i = 0; i < shift.length; i++) {
            shift[i] = (i % 7) - 3;  // integer offsets -3..3: many per 16 channels
        }
        var init = dev.asnet.exporter.onnx.Onnx.TensorProto.newBuilder().setName("shift").addDims(16).addDims(2)
                .setDataType(dev.asnet.exporter.onnx.Onnx.TensorProto.DataType.FLOAT_VALUE);
        for (float v : shift) {
            init.addFloatData(v);
        }
        g.addInitializer(init);
        ModelProto m = base.toBuilder().setGraph(g).build();
        // The source model: the layer reads a 40x40 map.
        GraphProto.Builder src = GraphProto.newBuilder().setName("src");
        src.addNode(node(AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT_U8, "asl", List.of("sum", "shift", "s", "z"), "shifted"));
        var dims = dev.asnet.exporter.onnx.Onnx.TensorShapeProto.newBuilder();
        for (long d : new long[] {1, 16, 40, 40}) {
            dims.addDim(dev.asnet.exporter.onnx.Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        src.addValueInfo(ValueInfoProto.newBuilder().setName("sum").setType(dev.asnet.exporter.onnx.Onnx.TypeProto
                .newBuilder().setTensorType(dev.asnet.exporter.onnx.Onnx.TypeProto.Tensor.newBuilder().setShape(dims))));
        ChannelsLastU8Rewriter.Result r = ChannelsLastU8Rewriter.rewrite(m, ModelProto.newBuilder().setGraph(src).build(), 2);
        assertEquals(1, r.affineRewritten());
        assertEquals(0, r.rewritten());
        assertEquals(1, r.left());
        Map<String, NodeProto> n = byName(r.model());
        assertEquals(AsnetDomain.ACTIVE_SHIFT_U8, n.get("asl").getOpType());
        NodeProto in = n.get("asl_to_nchw");
        NodeProto out = n.get("asl_to_nhwc");
        assertEquals("sum", in.getInput(0));
        assertEquals(in.getOutput(0), n.get("asl").getInput(0));
        assertEquals(n.get("asl").getOutput(0), out.getInput(0));
        assertEquals("shifted", out.getOutput(0), "the layer's output keeps its name, channels-last again");
        assertEquals(List.of("shifted"), n.get("id2").getInputList());
        // The graph is still in topological order: every input is produced before it is read.
        java.util.Set<String> seen = new java.util.HashSet<>(List.of("a", "b", "s", "z", "m", "o", "k", "shift", "shape"));
        for (NodeProto node : r.model().getGraph().getNodeList()) {
            for (String v : node.getInputList()) {
                assertTrue(seen.contains(v), node.getName() + " reads " + v + " before it is produced");
            }
            seen.addAll(node.getOutputList());
        }
    }

    private static ValueInfoProto rank4(String name) {
        var dims = dev.asnet.exporter.onnx.Onnx.TensorShapeProto.newBuilder();
        for (long d : new long[] {1, 16, 28, 28}) {
            dims.addDim(dev.asnet.exporter.onnx.Onnx.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(dev.asnet.exporter.onnx.Onnx.TypeProto.newBuilder()
                .setTensorType(dev.asnet.exporter.onnx.Onnx.TypeProto.Tensor.newBuilder().setElemType(2).setShape(dims)))
                .build();
    }

    /**
     * A float stem: x -> Conv -> QuantizeLinear -> q (NCHW, declared rank 4) -> ChannelAffineU8 ->
     * Transpose to NHWC -> QLinearConv -> c -> Transpose to NCHW -> QLinearAdd(c, q) ->
     * ChannelAffineU8 -> Transpose to NHWC -> Identity; a Relu also reads q when `outside`.
     * With only the first exit (`short`), the island is q -> ChannelAffineU8 -> Transpose -> out.
     */
    private static ModelProto stem(boolean outside, boolean shortIsland, boolean declared) {
        return stem(outside, shortIsland, declared, false);
    }

    /** The same with ONNX Runtime's blocked stem: Conv -> ReorderOutput -> QuantizeLinear (scale s a scalar). */
    private static ModelProto stem(boolean outside, boolean shortIsland, boolean declared, boolean reorder) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g");
        g.addInput(ValueInfoProto.newBuilder().setName("x"));
        if (reorder) {
            g.addNode(node("com.microsoft.nchwc", "Conv", "conv0", List.of("x", "w"), "fb"));
            g.addNode(node("com.microsoft.nchwc", "ReorderOutput", "reorder", List.of("fb"), "f").toBuilder()
                    .addAttribute(AttributeProto.newBuilder().setName("channels").setType(AttributeProto.AttributeType.INT)
                            .setI(16))
                    .build());
            g.addInitializer(dev.asnet.exporter.onnx.Onnx.TensorProto.newBuilder().setName("s")
                    .setDataType(dev.asnet.exporter.onnx.Onnx.TensorProto.DataType.FLOAT_VALUE).addFloatData(0.1f));
        } else {
            g.addNode(node("", "Conv", "conv0", List.of("x", "w"), "f"));
        }
        g.addNode(node("", "QuantizeLinear", "quant", List.of("f", "s", "z"), "q"));
        g.addNode(node(AsnetDomain.DOMAIN, AsnetDomain.CHANNEL_AFFINE_U8, "bn0", List.of("q", "m", "o", "k"), "y0"));
        g.addNode(transpose("ty0", "y0", "y0_nhwc", TO_NHWC));
        if (shortIsland) {
            g.addNode(node("", "Identity", "id", List.of("y0_nhwc"), "out"));
        } else {
            g.addNode(node("com.microsoft", "QLinearConv", "qconv", List.of("y0_nhwc", "s", "z", "w8", "s", "z", "s", "z"),
                    "c"));
            g.addNode(transpose("tc", "c", "c_nchw", TO_NCHW));
            g.addNode(node("com.microsoft", "QLinearAdd", "add", List.of("c_nchw", "s", "z", "q", "s", "z", "s", "z"),
                    "sum"));
            g.addNode(node(AsnetDomain.DOMAIN, AsnetDomain.CHANNEL_AFFINE_U8, "bn1", List.of("sum", "m", "o", "k"), "y1"));
            g.addNode(transpose("ty1", "y1", "y1_nhwc", TO_NHWC));
            g.addNode(node("", "Identity", "id", List.of("y1_nhwc"), "out"));
        }
        if (outside) {
            g.addNode(node("", "Relu", "relu", List.of("q"), "r"));
            g.addOutput(ValueInfoProto.newBuilder().setName("r"));
        }
        g.addOutput(ValueInfoProto.newBuilder().setName("out"));
        g.addValueInfo(declared ? rank4("q") : ValueInfoProto.newBuilder().setName("q").build());
        return ModelProto.newBuilder().setGraph(g).build();
    }

    @Test
    void anIslandEnteredFromAnNchwValueReadsOneTransposedCopy() {
        ChannelsLastU8Rewriter.Result r = ChannelsLastU8Rewriter.rewrite(stem(true, false, true));
        assertEquals(2, r.affineRewritten());
        List<NodeProto> nodes = r.model().getGraph().getNodeList();
        Map<String, NodeProto> n = byName(r.model());
        NodeProto copy = n.get("q_to_nhwc");
        assertEquals(List.of("q"), copy.getInputList());
        assertEquals(TO_NHWC, NchwcOps.attribute(copy, "perm").getIntsList());
        assertEquals(nodes.indexOf(n.get("quant")) + 1, nodes.indexOf(copy), "right after the value's producer");
        String qNhwc = copy.getOutput(0);
        assertEquals(List.of(qNhwc, "m", "o", "k"), n.get("bn0").getInputList());
        assertEquals(AsnetDomain.CHANNEL_AFFINE_NHWC_U8, n.get("bn0").getOpType());
        assertEquals("y0", n.get("qconv").getInput(0));
        assertEquals(List.of("c", "s", "z", qNhwc, "s", "z", "s", "z"), n.get("add").getInputList());
        assertEquals(List.of("y1"), n.get("id").getInputList());
        assertEquals(List.of("q"), n.get("relu").getInputList(), "the entry keeps its NCHW reader");
        assertEquals(1, nodes.stream().filter(x -> x.getOpType().equals("Transpose")).count(), nodes.toString());
        // q keeps its declared NCHW shape; the island's values lose theirs.
        assertEquals(List.of("q"), r.model().getGraph().getValueInfoList().stream().map(ValueInfoProto::getName).toList());
    }

    @Test
    void anEntryIsTakenOnlyWhereItRemovesMoreTransposesThanItAdds() {
        // One entry Transpose added against one exit removed: left alone.
        ModelProto m = stem(false, true, true);
        ChannelsLastU8Rewriter.Result r = ChannelsLastU8Rewriter.rewrite(m);
        assertSame(m, r.model());
        assertEquals(1, r.affineLeft());
    }

    @Test
    void anEntryOfUnknownRankLeavesTheIslandAlone() {
        ModelProto m = stem(false, false, false);
        ChannelsLastU8Rewriter.Result r = ChannelsLastU8Rewriter.rewrite(m);
        assertSame(m, r.model());
        assertEquals(2, r.affineLeft());
    }

    @Test
    void aQuantizedBlockedStemBecomesChannelsLastInItsReorder() {
        ChannelsLastU8Rewriter.Result r = ChannelsLastU8Rewriter.rewrite(stem(false, false, true, true));
        assertEquals(2, r.affineRewritten());
        List<NodeProto> nodes = r.model().getGraph().getNodeList();
        Map<String, NodeProto> n = byName(r.model());
        assertEquals(0, nodes.stream().filter(x -> x.getOpType().equals("Transpose")).count(), nodes.toString());
        assertEquals(1L, NchwcOps.attribute(n.get("reorder"), "channels_last").getI());
        assertEquals(16L, NchwcOps.attribute(n.get("reorder"), "channels").getI());
        assertEquals(List.of("q", "m", "o", "k"), n.get("bn0").getInputList());
        assertEquals(List.of("c", "s", "z", "q", "s", "z", "s", "z"), n.get("add").getInputList());
        assertTrue(r.model().getGraph().getValueInfoList().isEmpty(), "q changed layout: its shape is dropped");
        // With an NCHW reader of q the reorder stays NCHW and the island reads a transposed copy.
        ChannelsLastU8Rewriter.Result shared = ChannelsLastU8Rewriter.rewrite(stem(true, false, true, true));
        Map<String, NodeProto> m = byName(shared.model());
        assertTrue(NchwcOps.attribute(m.get("reorder"), "channels_last") == null, m.get("reorder").toString());
        assertTrue(m.containsKey("q_to_nhwc"), m.keySet().toString());
    }
}
