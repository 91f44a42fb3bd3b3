package dev.asnet.runtime.nchwc;

import static dev.asnet.runtime.nchwc.NchwcTestModels.C;
import static dev.asnet.runtime.nchwc.NchwcTestModels.asl;
import static dev.asnet.runtime.nchwc.NchwcTestModels.conv;
import static dev.asnet.runtime.nchwc.NchwcTestModels.count;
import static dev.asnet.runtime.nchwc.NchwcTestModels.optimized;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ir.DataType;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.Model;
import dev.asnet.exporter.ir.Shape;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.onnx.Onnx.AttributeProto;
import dev.asnet.exporter.onnx.Onnx.GraphProto;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.exporter.ops.AsnetDomain;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rewrite on ONNX Runtime's real optimized graphs and on hand-made graphs for the rare variants. */
class ActiveShiftNchwcRewriterTest {
    private static final String AS = AsnetDomain.DOMAIN + ":" + AsnetDomain.ACTIVE_SHIFT;
    private static final String ASN = AsnetDomain.DOMAIN + ":" + NchwcOps.ACTIVE_SHIFT_NCHWC;
    private static final String RI = NchwcOps.DOMAIN + ":" + NchwcOps.REORDER_INPUT;
    private static final String RO = NchwcOps.DOMAIN + ":" + NchwcOps.REORDER_OUTPUT;
    private static final String NCONV = NchwcOps.DOMAIN + ":" + NchwcOps.CONV;

    /** Rewrites a whole network and checks that every ActiveShift went and took its two reorders with it. */
    private static ActiveShiftNchwcRewriter.Result rewriteAll(byte[] model) throws Exception {
        int b = NchwcTestModels.blockSizeOrSkip();
        ModelProto original = ModelProto.parseFrom(model);
        ModelProto opt = optimized(model);
        BlockSizeDetector.Result found = BlockSizeDetector.detect(original, opt);
        assertEquals(b, found.blockSize().orElse(-1), found.explanation());
        int shifts = count(opt, AS);
        assertTrue(shifts > 0);
        ActiveShiftNchwcRewriter.Result r = ActiveShiftNchwcRewriter.rewrite(opt, b);
        ModelProto m = r.model();
        assertEquals(shifts, r.report().rewritten(), r.report().summary());
        assertEquals(List.of(), r.report().left());
        assertEquals(0, count(m, AS));
        assertEquals(shifts, count(m, ASN));
        assertEquals(count(opt, RI) - shifts, count(m, RI));
        assertEquals(count(opt, RO) - shifts, count(m, RO));
        assertEquals(count(opt, NCONV), count(m, NCONV));
        assertNoReorderNextToShift(m);
        for (NodeProto n : m.getGraph().getNodeList()) {
            if (NchwcOps.is(n, AsnetDomain.DOMAIN, NchwcOps.ACTIVE_SHIFT_NCHWC)) {
                assertEquals(b, NchwcOps.intAttribute(n, NchwcOps.BLOCK_SIZE, -1));
            }
        }
        assertTopological(m);
        return r;
    }

    private static void assertNoReorderNextToShift(ModelProto m) {
        Map<String, NodeProto> producer = new HashMap<>();
        for (NodeProto n : m.getGraph().getNodeList()) {
            for (String o : n.getOutputList()) {
                producer.put(o, n);
            }
        }
        for (NodeProto n : m.getGraph().getNodeList()) {
            if (NchwcOps.is(n, NchwcOps.DOMAIN, NchwcOps.REORDER_INPUT)) {
                NodeProto p = producer.get(n.getInput(0));
                assertFalse(p != null && p.getDomain().equals(AsnetDomain.DOMAIN), "ReorderInput after " + p);
            }
            if (n.getDomain().equals(AsnetDomain.DOMAIN)) {
                NodeProto p = producer.get(n.getInput(0));
                assertFalse(p != null && NchwcOps.is(p, NchwcOps.DOMAIN, NchwcOps.REORDER_OUTPUT),
                        "ReorderOutput before " + n.getName());
            }
        }
    }

    private static void assertTopological(ModelProto m) {
        java.util.Set<String> known = new java.util.HashSet<>();
        m.getGraph().getInputList().forEach(v -> known.add(v.getName()));
        m.getGraph().getInitializerList().forEach(t -> known.add(t.getName()));
        known.add("");
        for (NodeProto n : m.getGraph().getNodeList()) {
            for (String in : n.getInputList()) {
                assertTrue(known.contains(in), n.getName() + " reads '" + in + "' before it is produced");
            }
            known.addAll(n.getOutputList());
        }
        m.getGraph().getOutputList().forEach(v -> assertTrue(known.contains(v.getName()), v.getName()));
    }

    @Test
    void pretrainedModel() throws Exception {
        ActiveShiftNchwcRewriter.Result r = rewriteAll(NchwcTestModels.pretrained());
        // As the issue counted: 31 NCHWc convs and 9 ASLs, two of them at stride 2.
        assertEquals(9, r.report().rewritten());
        assertEquals(31, count(r.model(), NCONV));
        long strided = r.model().getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals(NchwcOps.ACTIVE_SHIFT_NCHWC))
                .filter(n -> NchwcOps.attribute(n, AsnetDomain.STRIDES).getInts(0) == 2).count();
        assertEquals(2, strided);
    }

    @Test
    void aCostRuleKeepsOrtsReordersForSpreadShiftsAndTheProductRewritesEveryChain() throws Exception {
        int b = NchwcTestModels.blockSizeOrSkip();
        byte[] model = NchwcTestModels.pretrained();
        // The shipped pretrained file has its channels in training order: with a limit of a quarter
        // of a block, most of its layers hold more distinct offsets per block than allowed.
        ActiveShiftNchwcRewriter.Result limited = ActiveShiftNchwcRewriter.rewrite(optimized(model), b, b / 4.0);
        assertTrue(limited.report().rewritten() < 9, limited.report().summary());
        assertTrue(limited.report().summary().contains("distinct integer offsets per " + b + "-channel block"),
                limited.report().summary());
        // The product path orders the channels first and has no limit: every layer is rewritten.
        assertEquals(Double.POSITIVE_INFINITY, ActiveShiftNchwcRewriter.PRODUCT_MAX_OFFSETS_PER_BLOCK);
        MachineSpecificModels.Built built = MachineSpecificModels.build(model, ModelProto.parseFrom(model), true,
                "pretrained");
        assertEquals(9, built.report().rewritten(), built.report().summary());
        assertEquals(0, count(built.model(), AS));
    }

    @Test
    void zooAsResNet20() throws Exception {
        rewriteAll(NchwcTestModels.zoo("as-resnet20-16x1", 1, 28));
    }

    @Test
    void zooAsResNetWithStridedShifts() throws Exception {
        ActiveShiftNchwcRewriter.Result r = rewriteAll(NchwcTestModels.zoo("as-resnet-w32", 3, 32));
        assertTrue(r.model().getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals(NchwcOps.ACTIVE_SHIFT_NCHWC))
                .anyMatch(n -> NchwcOps.attribute(n, AsnetDomain.STRIDES).getInts(0) == 2));
    }

    @Test
    void shiftOnTheGraphInputIsLeft() throws Exception {
        int b = NchwcTestModels.blockSizeOrSkip();
        byte[] model = NchwcTestModels.small("asl_in", (g, x) -> conv(g, "c1", asl(g, "s1", x, 1)));
        RewriteReport r = ActiveShiftNchwcRewriter.rewrite(optimized(model), b).report();
        assertEquals(0, r.rewritten());
        assertEquals(1, r.left().size());
        assertTrue(r.left().get(0).reason().contains("graph input"), r.summary());
    }

    @Test
    void shiftOnTheGraphOutputIsLeft() throws Exception {
        int b = NchwcTestModels.blockSizeOrSkip();
        byte[] model = NchwcTestModels.small("asl_out", (g, x) -> asl(g, "s1", conv(g, "c1", x), 1));
        ModelProto opt = optimized(model);
        ActiveShiftNchwcRewriter.Result r = ActiveShiftNchwcRewriter.rewrite(opt, b);
        assertEquals(0, r.report().rewritten());
        assertTrue(r.report().left().get(0).reason().contains("graph output"), r.report().summary());
        assertSame(opt, r.model());
    }

    @Test
    void twoShiftsInARowBecomeTwoBlockedShifts() throws Exception {
        int b = NchwcTestModels.blockSizeOrSkip();
        byte[] model = NchwcTestModels.small("asl_twice",
                (g, x) -> conv(g, "c2", asl(g, "s2", asl(g, "s1", conv(g, "c1", x), 1), 2)));
        ModelProto opt = optimized(model);
        ActiveShiftNchwcRewriter.Result r = ActiveShiftNchwcRewriter.rewrite(opt, b);
        assertEquals(2, r.report().rewritten(), r.report().summary());
        assertEquals(0, count(r.model(), AS));
        assertEquals(count(opt, RO) - 1, count(r.model(), RO));
        assertEquals(count(opt, RI) - 1, count(r.model(), RI));
        assertNoReorderNextToShift(r.model());
        assertTopological(r.model());
    }

    @Test
    void reorderOutputWithOtherUsersIsKept() throws Exception {
        int b = NchwcTestModels.blockSizeOrSkip();
        Graph g = new Graph("ro_shared", dev.asnet.exporter.ops.OpRegistry.standard());
        GraphBuilder gb = new GraphBuilder(g);
        Value x = gb.input("x", DataType.FLOAT, Shape.batched("N", C, 8, 8));
        Value c1 = conv(gb, "c1", x);
        gb.output(conv(gb, "c2", asl(gb, "s1", c1, 1)), "y");
        gb.output(c1, "features"); // an NCHW user of the ReorderOutput besides the shift
        ModelProto opt = optimized(OnnxWriter.toBytes(new Model(g)));
        ActiveShiftNchwcRewriter.Result r = ActiveShiftNchwcRewriter.rewrite(opt, b);
        assertEquals(1, r.report().rewritten(), r.report().summary());
        assertEquals(1, r.report().keptReorders());
        assertEquals(count(opt, RO), count(r.model(), RO));
        assertEquals(count(opt, RI) - 1, count(r.model(), RI));
        assertTopological(r.model());
    }

    @Test
    void shiftOutputWithOtherUsersGetsAReorderOutputBack() throws Exception {
        int b = NchwcTestModels.blockSizeOrSkip();
        Graph g = new Graph("asl_shared", dev.asnet.exporter.ops.OpRegistry.standard());
        GraphBuilder gb = new GraphBuilder(g);
        Value x = gb.input("x", DataType.FLOAT, Shape.batched("N", C, 8, 8));
        Value s = asl(gb, "s1", conv(gb, "c1", x), 1);
        gb.output(conv(gb, "c2", s), "y");
        gb.output(s, "shifted"); // the NCHW shift output is also a graph output
        ModelProto opt = optimized(OnnxWriter.toBytes(new Model(g)));
        ActiveShiftNchwcRewriter.Result r = ActiveShiftNchwcRewriter.rewrite(opt, b);
        assertEquals(1, r.report().rewritten(), r.report().summary());
        assertEquals(1, r.report().keptReorders());
        // The ReorderOutput before the shift goes, one after the new op comes: same count.
        assertEquals(count(opt, RO), count(r.model(), RO));
        assertEquals(count(opt, RI) - 1, count(r.model(), RI));
        assertTopological(r.model());
    }

    /** A hand-made graph: blocked input -> ReorderOutput -> ActiveShift -> two ReorderInputs -> two convs. */
    private static ModelProto handMade(long channels, long channelsLast) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("hand")
                .addInput(ProbeModels.value("xb", 1, 32, 4, 4))
                .addInitializer(ProbeModels.floats("shift", new float[32 * 2], 32, 2))
                .addInitializer(ProbeModels.floats("w", new float[32 * 32], 32, 32, 1, 1))
                .addOutput(ProbeModels.value("y1", 1, 32, 4, 4)).addOutput(ProbeModels.value("y2", 1, 32, 4, 4));
        g.addNode(NodeProto.newBuilder().setName("ro").setDomain(NchwcOps.DOMAIN).setOpType(NchwcOps.REORDER_OUTPUT)
                .addInput("xb").addOutput("x").addAttribute(intAttr(NchwcOps.CHANNELS, channels))
                .addAttribute(intAttr(NchwcOps.CHANNELS_LAST, channelsLast)));
        g.addNode(NodeProto.newBuilder().setName("asl").setDomain(AsnetDomain.DOMAIN).setOpType(AsnetDomain.ACTIVE_SHIFT)
                .addInput("x").addInput("shift").addOutput("s"));
        for (int i = 1; i <= 2; i++) {
            g.addNode(NodeProto.newBuilder().setName("ri" + i).setDomain(NchwcOps.DOMAIN)
                    .setOpType(NchwcOps.REORDER_INPUT).addInput("s").addOutput("sb" + i));
        }
        for (int i = 1; i <= 2; i++) {
            g.addNode(NodeProto.newBuilder().setName("conv" + i).setDomain(NchwcOps.DOMAIN).setOpType(NchwcOps.CONV)
                    .addInput("sb" + i).addInput("w").addOutput("y" + i));
        }
        return ModelProto.newBuilder().setIrVersion(8).setGraph(g).build();
    }

    private static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    @Test
    void severalReorderInputsAreAllRewired() {
        ActiveShiftNchwcRewriter.Result r = ActiveShiftNchwcRewriter.rewrite(handMade(32, 0), 16);
        assertEquals(1, r.report().rewritten(), r.report().summary());
        assertEquals(0, count(r.model(), RI));
        assertEquals(0, count(r.model(), RO));
        List<NodeProto> nodes = r.model().getGraph().getNodeList();
        assertEquals(NchwcOps.ACTIVE_SHIFT_NCHWC, nodes.get(0).getOpType());
        assertEquals(List.of("xb", "shift"), nodes.get(0).getInputList());
        String out = nodes.get(0).getOutput(0);
        assertEquals(out, nodes.get(1).getInput(0));
        assertEquals(out, nodes.get(2).getInput(0));
        assertTopological(r.model());
    }

    @Test
    void channelsLastReorderIsLeft() {
        RewriteReport r = ActiveShiftNchwcRewriter.rewrite(handMade(32, 1), 16).report();
        assertEquals(0, r.rewritten());
        assertTrue(r.left().get(0).reason().contains("channels_last"), r.summary());
    }

    @Test
    void channelCountMismatchIsLeft() {
        RewriteReport r = ActiveShiftNchwcRewriter.rewrite(handMade(30, 0), 16).report();
        assertEquals(0, r.rewritten());
        assertTrue(r.left().get(0).reason().contains("channels=30"), r.summary());
    }

    @Test
    void nothingToRewriteSaysSoInOneLine() {
        ModelProto m = ModelProto.newBuilder().setGraph(GraphProto.newBuilder().setName("empty")).build();
        RewriteReport r = ActiveShiftNchwcRewriter.rewrite(m, 8).report();
        assertEquals(0, r.rewritten());
        assertFalse(r.summary().contains("\n"));
    }
}
