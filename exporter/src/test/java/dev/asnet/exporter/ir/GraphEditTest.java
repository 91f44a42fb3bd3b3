package dev.asnet.exporter.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asnet.exporter.io.OnnxWriter;
import dev.asnet.exporter.ops.GraphBuilder;
import dev.asnet.exporter.ops.OpRegistry;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each in-place edit of the IR: what it does, and what it refuses (leaving the graph as it was). */
class GraphEditTest {
    private Graph g;
    private GraphBuilder b;
    private Value x;
    private Value w;
    private Value conv;
    private Value relu;
    private Value out;

    /** input x -> Conv 'c' (weight w) -> Relu 'r' -> Add 'a' (relu + relu) -> output y. */
    @BeforeEach
    void build() {
        g = new Graph("edit", OpRegistry.standard());
        b = new GraphBuilder(g);
        x = b.input("x", DataType.FLOAT, Shape.batched("N", 2, 4, 4));
        w = b.parameter("w", Tensor.ofFloats(new float[2 * 2], 2, 2, 1, 1));
        conv = b.conv("c", x, w, null, dev.asnet.exporter.ops.ConvOptions.builder().build());
        relu = b.relu("r", conv);
        out = b.output(b.add("a", relu, relu), "y");
    }

    private Node node(String name) {
        return g.nodes().stream().filter(n -> name.equals(n.name())).findFirst().orElseThrow();
    }

    private List<String> order() {
        return g.nodes().stream().map(n -> n.name() == null ? "?" + n.opType() : n.name()).toList();
    }

    @Test
    void replaceAllUsesWithMovesEveryUseAndGraphOutputs() {
        Value sig = b.before(node("a")).op("Relu", List.of(conv));
        relu.replaceAllUsesWith(sig);
        assertTrue(relu.users().isEmpty());
        assertEquals(2, sig.users().size());
        assertSame(sig, node("a").input(0));
        assertSame(sig, node("a").input(1));
        Value alt = b.op("Relu", List.of(sig));
        out.replaceAllUsesWith(alt);
        assertSame(alt, g.outputs().get(0), "a graph output slot follows the replacement");
        Value loop = b.op("Relu", List.of(alt));
        IrException e = assertThrows(IrException.class, () -> alt.replaceAllUsesWith(loop));
        assertTrue(e.getMessage().contains("comes before the replacement's producer"), "no cycles: " + e.getMessage());
        g.checkConsistency();
    }

    @Test
    void replaceAllUsesWithRefusesOtherTypesLaterProducersAndOtherGraphs() {
        Value wide = b.op("Flatten", List.of(relu));
        IrException e = assertThrows(IrException.class, () -> relu.replaceAllUsesWith(wide));
        assertTrue(e.getMessage().contains("the types differ"), e.getMessage());
        Value late = b.op("Relu", List.of(conv)); // appended after 'a', which reads relu
        e = assertThrows(IrException.class, () -> relu.replaceAllUsesWith(late));
        assertTrue(e.getMessage().contains("comes before the replacement's producer"), e.getMessage());
        Graph other = new Graph("other", OpRegistry.standard());
        Value foreign = other.addInput("z", DataType.FLOAT, relu.shape());
        e = assertThrows(IrException.class, () -> relu.replaceAllUsesWith(foreign));
        assertTrue(e.getMessage().contains("not a live value of this graph"), e.getMessage());
        assertEquals(3, relu.users().size(), "refusals leave the users alone (two in 'a', one in the Flatten)");
        g.checkConsistency();
    }

    @Test
    void insertBeforeAndAfterKeepTopologicalOrder() {
        Node sig = g.insertNodeAfter(node("c"), "", "Relu", "s", List.of(conv), List.of());
        Node neg = g.insertNodeBefore(node("a"), "", "Relu", "n", List.of(sig.output()), List.of());
        assertEquals(List.of("c", "s", "r", "n", "a"), order());
        assertEquals(3, g.position(neg));
        g.checkConsistency();
    }

    @Test
    void insertRefusesInputsProducedLater() {
        IrException e = assertThrows(IrException.class,
                () -> g.insertNodeBefore(node("c"), "", "Relu", "early", List.of(relu), List.of()));
        assertTrue(e.getMessage().startsWith("Relu node 'early': input 0 (X) 'r_out'") || e.getMessage().contains(
                "is produced by Relu node 'r', which does not come before the node's position"), e.getMessage());
        assertThrows(IrException.class, () -> g.insertNodeAfter(node("c"), "", "Relu", null, List.of(relu), List.of()));
        assertEquals(List.of("c", "r", "a"), order());
        assertFalse(g.names().hasValueName("early"));
        g.checkConsistency();
    }

    @Test
    void removeNodeFreesItsNamesAndUses() {
        Value sig = b.before(node("a")).op("Relu", List.of(conv));
        relu.replaceAllUsesWith(sig);
        Node r = node("r");
        relu.setName("relu_out");
        g.removeNode(r);
        assertTrue(r.isRemoved());
        assertTrue(relu.isRemoved());
        assertEquals(1, conv.users().size(), "the removed node's use of its input is gone");
        assertEquals(List.of("c", "?Relu", "a"), order());
        sig.rename("relu_out"); // the removed output's name is free again
        b.relu("r", sig); // and so is the node's
        g.checkConsistency();
    }

    @Test
    void removeNodeRefusesWhileUsedOrAGraphOutput() {
        IrException e = assertThrows(IrException.class, () -> g.removeNode(node("r")));
        assertEquals("graph 'edit': cannot remove Relu node 'r': its output output 0 of Relu node 'r' FLOAT[N, 2, 4, 4]"
                + " is still used by Add node 'a' (input 0) and 1 more", e.getMessage());
        e = assertThrows(IrException.class, () -> g.removeNode(node("a")));
        assertTrue(e.getMessage().endsWith("is a graph output"), e.getMessage());
        Node gone = node("a");
        out.replaceAllUsesWith(b.op("Relu", List.of(relu)));
        g.removeNode(gone);
        e = assertThrows(IrException.class, () -> g.removeNode(gone));
        assertTrue(e.getMessage().contains("is not a node of this graph (it was removed)"), e.getMessage());
        e = assertThrows(IrException.class, () -> b.relu(null, out));
        assertTrue(e.getMessage().contains("was removed from graph 'edit'"), e.getMessage());
        g.checkConsistency();
    }

    @Test
    void replaceInputRechecksTheNode() {
        Node c = node("c");
        Value bias = b.parameter("bias", Tensor.ofFloats(new float[] {1, 2}, 2));
        c.replaceInput(2, bias);
        assertSame(bias, c.input(2));
        assertEquals(List.of(new Usage(c, 2)), bias.users());
        Value bad = b.parameter("bad", Tensor.ofFloats(new float[3], 3));
        IrException e = assertThrows(IrException.class, () -> c.replaceInput(2, bad));
        assertTrue(e.getMessage().startsWith("Conv node 'c': "), e.getMessage());
        assertSame(bias, c.input(2));
        c.replaceInput(2, null);
        assertTrue(bias.users().isEmpty());
        assertThrows(IrException.class, () -> c.replaceInput(5, bias));
        assertThrows(IrException.class, () -> c.replaceInput(0, relu), "relu is produced after the conv");
        g.checkConsistency();
    }

    @Test
    void removeUnusedInitializersKeepsUsedOnesAndOutputs() {
        Value unused = b.constant("unused", Tensor.ofLongs(new long[] {1}, 1));
        Value asOutput = b.constant("kept", Tensor.ofLongs(new long[] {2}, 1));
        b.output(asOutput, null);
        assertEquals(List.of(unused), g.removeUnusedInitializers());
        assertTrue(unused.isRemoved());
        assertEquals(List.of(w, asOutput), g.initializers());
        assertFalse(g.names().hasValueName("unused"));
        assertEquals(List.of(), g.removeUnusedInitializers());
    }

    @Test
    void replaceInitializerDataChecksTypeAndShape() {
        Tensor t = Tensor.ofFloats(new float[] {1, 2, 3, 4}, 2, 2, 1, 1);
        assertSame(w, g.replaceInitializerData("w", t));
        assertEquals(t, w.data());
        assertEquals(InitializerRole.PARAMETER, w.role());
        IrException e = assertThrows(IrException.class,
                () -> g.replaceInitializerData("w", Tensor.ofFloats(new float[4], 4, 1, 1, 1)));
        assertEquals("graph 'edit': initializer 'w' FLOAT[2, 2, 1, 1] cannot take data of type FLOAT[4, 1, 1, 1];"
                + " the element type and shape must stay", e.getMessage());
        assertThrows(IrException.class, () -> g.replaceInitializerData("w", Tensor.ofLongs(new long[4], 2, 2, 1, 1)));
        e = assertThrows(IrException.class, () -> g.replaceInitializerData("x", t));
        assertEquals("graph 'edit': no initializer is named 'x'", e.getMessage());
        assertEquals(t, w.data());
    }

    @Test
    void renameThroughTheNameAuthority() {
        w.rename("weight");
        assertFalse(g.names().hasValueName("w"));
        assertSame(w, g.names().value("weight").orElseThrow());
        IrException e = assertThrows(IrException.class, () -> w.rename("x"));
        assertTrue(e.getMessage().contains("duplicate value name 'x'"), e.getMessage());
        e = assertThrows(IrException.class, () -> node("r").rename("c"));
        assertTrue(e.getMessage().contains("duplicate node name 'c'"), e.getMessage());
        node("r").rename(null);
        assertNull(node("a").input(0).producer().name());
        g.assignNames();
        assertEquals("relu_0", g.nodes().get(1).name(), "an unnamed node gets a generated name at serialization");
        assertThrows(IrException.class, () -> w.setName("other"), "setName still refuses renaming");
    }

    @Test
    void reorderInitializersNeedsAPermutation() {
        Value k = b.constant("k", Tensor.ofLongs(new long[] {1}, 1));
        g.reorderInitializers(List.of(k, w));
        assertEquals(List.of(k, w), g.initializers());
        assertThrows(IrException.class, () -> g.reorderInitializers(List.of(k)));
        assertThrows(IrException.class, () -> g.reorderInitializers(List.of(k, k)));
    }

    @Test
    void copyIsDeepAndWritesTheSameBytes() {
        g.assignNames();
        Model m = new Model(g);
        Graph c = g.copy();
        assertEquals(Arrays.toString(OnnxWriter.toBytes(m)), Arrays.toString(OnnxWriter.toBytes(new Model(c))));
        c.replaceInitializerData("w", Tensor.ofFloats(new float[] {1, 1, 1, 1}, 2, 2, 1, 1));
        c.nodes().get(1).rename("renamed");
        assertEquals(new Tensor[] {Tensor.ofFloats(new float[4], 2, 2, 1, 1)}[0], w.data(), "the source keeps its data");
        assertEquals("r", node("r").name());
        assertSame(c, c.nodes().get(0).output().graph());
        c.checkConsistency();
    }

    @Test
    void copyNodesIntoMapsValuesAndRefusesUnboundOnes() {
        Graph t = new Graph("target", OpRegistry.standard());
        Map<Value, Value> map = new HashMap<>();
        map.put(x, t.addInput("x2", DataType.FLOAT, x.shape()));
        IrException e = assertThrows(IrException.class, () -> g.copyNodesInto(t, new HashMap<>(map),
                (n, ins) -> t.addNode(n.domain(), n.opType(), null, ins, List.of()).outputs()));
        assertEquals("Conv node 'c' reads 'w' FLOAT[2, 2, 1, 1], which is not bound", e.getMessage());
        map.put(w, t.addInitializer("w", w.data(), w.role()));
        g.copyNodesInto(t, map, (n, ins) -> t.addNode(n.domain(), n.opType(), null, ins,
                List.copyOf(n.attributes().values())).outputs());
        assertEquals(3, t.nodes().size());
        assertSame(t, map.get(out).graph());
    }
}
