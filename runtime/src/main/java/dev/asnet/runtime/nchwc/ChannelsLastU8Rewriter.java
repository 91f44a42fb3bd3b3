package dev.asnet.runtime.nchwc;

import dev.asnet.exporter.onnx.Onnx.AttributeProto;
import dev.asnet.exporter.onnx.Onnx.GraphProto;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.onnx.Onnx.ValueInfoProto;
import dev.asnet.exporter.export.SortShiftChannels;
import dev.asnet.exporter.ops.AsnetDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces, in ONNX Runtime's optimized graph of a quantized model, each {@code Transpose(perm 0,3,1,2)
 * -> OP -> Transpose(perm 0,2,3,1)} chain, where OP is one of asnet's NCHW uint8 ops ({@code
 * ActiveShiftU8}, {@code ChannelAffineU8}), by its channels-last sibling ({@code ActiveShiftNhwcU8},
 * {@code ChannelAffineNhwcU8}) reading the first Transpose's channels-last input and writing the
 * second one's output. At level ALL ONNX Runtime runs its quantized convs channels-last ({@code
 * com.microsoft:QLinearConv} with {@code channels_last}) and puts these Transposes around every op it
 * does not know; the rewrite removes two uint8 passes per such op.
 *
 * <p>Exact: {@code ActiveShiftNhwcU8(x) == Transpose(ActiveShiftU8(Transpose(x)))} and likewise for
 * the affine op, byte for byte (the op contract). ONNX Runtime moves its Transposes through
 * elementwise ops, so the unit of the rewrite is a layout island (see {@code Island}): the asnet ops
 * and the QLinearAdds between them switch to channels-last together. A Transpose into an island
 * whose output has other readers stays for them; an island is left alone when one of its values has
 * any other reader or producer, or its exit is a graph output.
 *
 * <p>An island may also start at an NCHW tensor another op makes (declared rank 4): the island
 * then reads one transposed copy of it, or, where it is a per-tensor QuantizeLinear of ONNX
 * Runtime's {@code ReorderOutput} (a float stem conv's output), the reorder writes channels-last
 * instead and no copy is needed.
 *
 * <p>Also left alone: a layer on a large map ({@link #MIN_PIXELS_FOR_NCHW} or more input pixels,
 * when the source model declares its input shape) whose constant shifts fall on more than {@link
 * #MAX_OFFSETS_PER_CHUNK} distinct integer offsets per 16 channels. The channels-last kernel pays
 * one masked load per distinct offset in a 16-channel chunk, while the NCHW kernel's cost does not
 * depend on the offsets; on large maps ONNX Runtime's two uint8 Transposes cost less than the extra
 * loads, on small ones the NCHW kernel's per-row cost is the larger.
 */
public final class ChannelsLastU8Rewriter {
    /** Each NCHW op the rewrite replaces, and its channels-last sibling (same inputs and attributes). */
    private static final Map<String, String> CHANNELS_LAST = Map.of(AsnetDomain.ACTIVE_SHIFT_U8,
            AsnetDomain.ACTIVE_SHIFT_NHWC_U8, AsnetDomain.CHANNEL_AFFINE_U8, AsnetDomain.CHANNEL_AFFINE_NHWC_U8);
    /**
     * The most distinct integer offsets per 16 channels (on average) a rewritten layer may have.
     * Measured single-threaded (asnet_kernel_bench u8, AVX-512, thread CPU time): at 32x112x112 the
     * channels-last kernel took 130 us with 4 offsets per chunk and 272 us with 15, the NCHW kernel
     * 131-135 us whatever the offsets (plus two uint8 Transposes); at 28x28 and below the
     * channels-last kernel stayed faster even with 15.
     */
    public static final double MAX_OFFSETS_PER_CHUNK = 8;
    /**
     * The smallest map (H * W of the layer's input) on which a layer with many offsets stays NCHW.
     * Measured as above: with 14-15 offsets per chunk the channels-last kernel took 78 us at 32x56x56
     * against 52 us for the NCHW kernel, 42 against 47 us at 64x28x28, and was faster below.
     */
    public static final long MIN_PIXELS_FOR_NCHW = 1000;
    private static final int CHUNK = 16;
    /** The NCHW-to-NHWC permutation after the op, and its inverse before it. */
    private static final List<Long> TO_NHWC = List.of(0L, 2L, 3L, 1L);
    private static final List<Long> TO_NCHW = List.of(0L, 3L, 1L, 2L);

    /**
     * The rewritten model and how many chains became channels-last.
     *
     * @param model the model (the input itself when nothing was rewritten)
     * @param rewritten the number of {@code ActiveShiftU8} chains replaced
     * @param left ActiveShiftU8 nodes left as they were
     * @param affineRewritten the number of {@code ChannelAffineU8} chains replaced
     * @param affineLeft ChannelAffineU8 nodes left as they were
     */
    public record Result(ModelProto model, int rewritten, int left, int affineRewritten, int affineLeft) {
        /**
         * All chains replaced.
         *
         * @return {@code rewritten + affineRewritten}
         */
        public int total() {
            return rewritten + affineRewritten;
        }
    }

    private ChannelsLastU8Rewriter() {}

    /**
     * Rewrites every chain of a graph.
     *
     * @param model ONNX Runtime's optimized graph
     * @return the result
     */
    public static Result rewrite(ModelProto model) {
        return rewrite(model, null, MAX_OFFSETS_PER_CHUNK);
    }

    /**
     * Rewrites every chain of a graph, with the input sizes of its Active Shift layers from the
     * source model (ONNX Runtime keeps the names of the nodes it does not fuse).
     *
     * @param model ONNX Runtime's optimized graph
     * @param source the model it was optimized from, or null
     * @return the result
     */
    public static Result rewrite(ModelProto model, ModelProto source) {
        return rewrite(model, source, MAX_OFFSETS_PER_CHUNK);
    }

    /**
     * Rewrites the chains whose shifts have at most {@code maxOffsets} distinct integer offsets per
     * 16 channels (a shift that is not a constant initializer does not limit the rewrite).
     *
     * @param model ONNX Runtime's optimized graph
     * @param source the model it was optimized from (for the layers' map sizes), or null
     * @param maxOffsets the limit ({@link Double#POSITIVE_INFINITY}: every chain)
     * @return the result
     */
    public static Result rewrite(ModelProto model, ModelProto source, double maxOffsets) {
        GraphIndex ix = new GraphIndex(model.getGraph());
        Map<String, Long> pixels = source == null ? Map.of() : inputPixels(source.getGraph());
        Set<Integer> seen = new HashSet<>();
        List<Island> islands = new ArrayList<>();
        int left = 0;
        int affineLeft = 0;
        for (int i = 0; i < ix.nodes.size(); i++) {
            NodeProto n = ix.nodes.get(i);
            if (seen.contains(i) || channelsLastOf(n) == null) {
                continue;
            }
            Island island = Island.grow(ix, i);
            seen.addAll(island.nodes);
            if (island.valid && island.pays()) {
                islands.add(island);
            } else {
                for (int k : island.nodes) {
                    if (isShift(ix.nodes.get(k))) {
                        left++;
                    } else if (channelsLastOf(ix.nodes.get(k)) != null) {
                        affineLeft++;
                    }
                }
            }
        }
        if (islands.isEmpty()) {
            return new Result(model, 0, left, 0, affineLeft);
        }
        // Rewrite: every island value becomes its channels-last twin (the same name, or the
        // channels-last input of the Transpose that made it); the boundary Transposes go.
        Map<Integer, List<NodeProto>> replaced = new HashMap<>();
        Set<Integer> removed = new HashSet<>();
        Set<String> changedValues = new HashSet<>();
        // Island readers: each Transpose into an island -> its channels-last input.
        Map<String, String> twins = new HashMap<>();
        // Every other reader: the output of a removed Transpose -> its channels-last twin.
        Map<String, String> rename = new HashMap<>();
        // The Transposes that make the entries' channels-last copies, after each entry's producer.
        Map<Integer, List<NodeProto>> entryTransposes = new HashMap<>();
        int rewritten = 0;
        int affineRewritten = 0;
        for (Island island : islands) {
            for (int t : island.into) {
                NodeProto tr = ix.nodes.get(t);
                twins.put(tr.getOutput(0), tr.getInput(0));
                if (!island.keptInto.contains(t)) {  // read by the island alone
                    removed.add(t);
                    rename.put(tr.getOutput(0), tr.getInput(0));
                }
            }
            changedValues.addAll(island.values);
            for (String v : island.entries) {
                Integer reorder = island.sharedEntries.contains(v) ? null : channelsLastReorder(ix, ix.producer.get(v));
                if (reorder != null) {
                    // ReorderOutput -> QuantizeLinear (per tensor): the reorder writes channels-last
                    // floats and the QuantizeLinear, elementwise, makes v channels-last with no copy.
                    NodeProto r = ix.nodes.get(reorder);
                    NodeProto.Builder b = r.toBuilder().clearAttribute();
                    r.getAttributeList().stream().filter(a -> !a.getName().equals("channels_last")).forEach(b::addAttribute);
                    b.addAttribute(AttributeProto.newBuilder().setName("channels_last")
                            .setType(AttributeProto.AttributeType.INT).setI(1));
                    replaced.put(reorder, List.of(b.build()));
                    changedValues.add(r.getOutput(0));
                    continue;
                }
                String nhwc = ix.freeName(v + "_nhwc");
                twins.put(v, nhwc);
                entryTransposes.computeIfAbsent(ix.producer.get(v), k -> new ArrayList<>())
                        .add(transpose(v + "_to_nhwc", v, nhwc, TO_NHWC));
                changedValues.remove(v);  // its NCHW value stays as it was for the other readers
            }
        }
        java.util.function.UnaryOperator<String> target = v -> twins.getOrDefault(v, v);
        for (Island island : islands) {
            for (int t : island.outOf) {
                removed.add(t);
                rename.put(ix.nodes.get(t).getOutput(0), target.apply(ix.nodes.get(t).getInput(0)));
            }
        }
        // Kept Transposes still make their NCHW value for their other readers: it did not change.
        for (Island island : islands) {
            for (int t : island.keptInto) {
                changedValues.remove(ix.nodes.get(t).getOutput(0));
            }
        }
        for (Island island : islands) {
            for (int k : island.pools) {
                NodeProto pool = ix.nodes.get(k);
                NodeProto.Builder b = pool.toBuilder().clearInput().clearAttribute();
                for (String in : pool.getInputList()) {
                    b.addInput(in.isEmpty() ? in : target.apply(in));
                }
                for (AttributeProto a : pool.getAttributeList()) {
                    if (!a.getName().equals("channels_last")) {
                        b.addAttribute(a);
                    }
                }
                b.addAttribute(AttributeProto.newBuilder().setName("channels_last").setType(AttributeProto.AttributeType.INT)
                        .setI(1));
                replaced.put(k, List.of(b.build()));
                changedValues.add(pool.getOutput(0));
            }
            for (int k : island.nodes) {
                NodeProto n = ix.nodes.get(k);
                NodeProto.Builder b = n.toBuilder().clearInput();
                for (String in : n.getInputList()) {
                    b.addInput(in.isEmpty() ? in : target.apply(in));
                }
                String twin = channelsLastOf(n);
                if (twin == null) {  // an elementwise op: its inputs changed layout together
                    replaced.put(k, List.of(b.build()));
                    continue;
                }
                boolean shift = isShift(n);
                boolean keepNchw = shift && manyOffsets(ix, n, pixels, maxOffsets);
                if (!keepNchw) {
                    replaced.put(k, List.of(b.setOpType(twin).build()));
                    if (shift) {
                        rewritten++;
                    } else {
                        affineRewritten++;
                    }
                    continue;
                }
                // This layer's kernel is faster NCHW: it keeps ONNX Runtime's two Transposes.
                String x = b.getInput(0);
                String xNchw = ix.freeName(n.getName() + "_nchw_in");
                String yNchw = ix.freeName(n.getName() + "_nchw_out");
                NodeProto in = transpose(n.getName() + "_to_nchw", x, xNchw, TO_NCHW);
                NodeProto op = b.setInput(0, xNchw).setOutput(0, yNchw).build();
                NodeProto out = transpose(n.getName() + "_to_nhwc", yNchw, n.getOutput(0), TO_NHWC);
                replaced.put(k, List.of(in, op, out));
                left++;
            }
        }
        GraphProto g = model.getGraph();
        GraphProto.Builder out = g.toBuilder().clearNode();
        for (int i = 0; i < ix.nodes.size(); i++) {
            emit(out, ix.nodes.get(i), removed.contains(i), replaced.get(i), rename);
            entryTransposes.getOrDefault(i, List.of()).forEach(out::addNode);
        }
        // Shapes recorded for values that changed layout or are gone no longer hold: ONNX Runtime
        // infers them again when it loads the model.
        out.clearValueInfo();
        for (ValueInfoProto v : g.getValueInfoList()) {
            if (!changedValues.contains(v.getName()) && !rename.containsKey(v.getName())) {
                out.addValueInfo(v);
            }
        }
        return new Result(model.toBuilder().setGraph(out).build(), rewritten, left, affineRewritten, affineLeft);
    }

    /**
     * The {@code com.microsoft.nchwc::ReorderOutput} (NCHW output) that alone feeds the per-tensor
     * QuantizeLinear at node index q, or null. (A float stem's output: setting {@code
     * channels_last} on the reorder makes the quantized tensor channels-last at no cost.)
     */
    private static Integer channelsLastReorder(GraphIndex ix, Integer q) {
        if (q == null) {
            return null;
        }
        NodeProto quant = ix.nodes.get(q);
        if (!quant.getDomain().isEmpty() || !quant.getOpType().equals("QuantizeLinear") || quant.getInputCount() < 2) {
            return null;
        }
        var scale = ix.initializerProtos.get(quant.getInput(1));
        if (scale == null || scale.getDimsList().stream().reduce(1L, (a, b) -> a * b) != 1) {
            return null;  // a per-axis scale would follow the channel axis
        }
        String u = quant.getInput(0);
        Integer r = ix.producer.get(u);
        if (r == null || ix.graphOutputs.contains(u) || ix.users.getOrDefault(u, List.of()).size() != 1) {
            return null;
        }
        NodeProto reorder = ix.nodes.get(r);
        AttributeProto cl = NchwcOps.attribute(reorder, "channels_last");
        return reorder.getDomain().equals("com.microsoft.nchwc") && reorder.getOpType().equals("ReorderOutput")
                && (cl == null || cl.getI() == 0) ? r : null;
    }

    /** Writes node n as the rewrite left it: gone, replaced, reading renamed values, or as it was. */
    private static void emit(GraphProto.Builder out, NodeProto n, boolean removed, List<NodeProto> replacement,
            Map<String, String> rename) {
        if (removed) {
            return;
        }
        if (replacement != null) {
            replacement.forEach(out::addNode);
            return;
        }
        if (n.getInputList().stream().noneMatch(rename::containsKey)) {
            out.addNode(n);
            return;
        }
        NodeProto.Builder b = n.toBuilder().clearInput();
        for (String in : n.getInputList()) {
            b.addInput(in.isEmpty() ? in : rename.getOrDefault(in, in));
        }
        out.addNode(b);
    }

    /**
     * A connected set of NCHW values between ONNX Runtime's layout Transposes: the asnet uint8 ops
     * and the elementwise {@code QLinearAdd}s that read and write them, entered only through
     * {@code Transpose(0,3,1,2)} of channels-last values and left only through {@code
     * Transpose(0,2,3,1)}. ONNX Runtime moves its Transposes through elementwise ops, so a residual
     * Add between two of asnet's ops often runs NCHW with Transposes on its other inputs; the whole
     * island then changes layout at once. Invalid (left alone) when a value has any other producer
     * or reader, is a graph input or output, or an Add broadcasts.
     */
    private static final class Island {
        final Set<Integer> nodes = new java.util.LinkedHashSet<>();
        final Set<String> values = new HashSet<>();
        final Set<Integer> into = new HashSet<>();
        final Set<Integer> outOf = new HashSet<>();
        /** Transposes into the island whose NCHW output also has readers outside it: they stay. */
        final Set<Integer> keptInto = new HashSet<>();
        /** QLinearGlobalAveragePools reading the island: they switch to channels_last = 1. */
        final Set<Integer> pools = new HashSet<>();
        /**
         * Island values another op makes in NCHW (a QuantizeLinear after a float stem conv, say),
         * declared rank 4: they keep their NCHW readers, and the island reads a channels-last copy
         * made by one new Transpose.
         */
        final Set<String> entries = new java.util.LinkedHashSet<>();
        /** Entries with readers outside the island (which keep reading NCHW). */
        final Set<String> sharedEntries = new HashSet<>();
        boolean valid = true;

        /**
         * Whether switching the island pays: every entry may add a Transpose (counted even where
         * a reorder makes it channels-last for free), every Transpose into or out of the island
         * that goes removes one.
         */
        boolean pays() {
            return entries.isEmpty() || into.size() - keptInto.size() + outOf.size() > entries.size();
        }

        static Island grow(GraphIndex ix, int first) {
            Island is = new Island();
            java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>();
            queue.add(first);
            is.nodes.add(first);
            while (!queue.isEmpty()) {
                NodeProto n = ix.nodes.get(queue.poll());
                List<String> layout = new ArrayList<>();
                for (int slot : layoutInputs(n)) {
                    if (slot >= n.getInputCount() || n.getInput(slot).isEmpty()) {
                        is.valid = false;
                        continue;
                    }
                    layout.add(n.getInput(slot));
                }
                layout.add(n.getOutput(0));
                for (String v : layout) {
                    if (!is.values.add(v)) {
                        continue;
                    }
                    if (ix.graphOutputs.contains(v) || ix.graphInputs.contains(v) || ix.initializers.contains(v)) {
                        is.valid = false;
                        continue;
                    }
                    Integer p = ix.producer.get(v);
                    if (p == null) {
                        is.valid = false;
                    } else if (isTranspose(ix.nodes.get(p), TO_NCHW)) {
                        is.into.add(p);
                    } else if (member(ix.nodes.get(p))) {
                        if (is.nodes.add(p)) {
                            queue.add(p);
                        }
                    } else if (ix.rank4.contains(v)) {
                        is.entries.add(v);  // made NCHW by another op: the island reads a transposed copy
                    } else {
                        is.valid = false;
                    }
                    for (int u : ix.users.getOrDefault(v, List.of())) {
                        NodeProto user = ix.nodes.get(u);
                        if (isTranspose(user, TO_NHWC)) {
                            is.outOf.add(u);
                            if (ix.graphOutputs.contains(user.getOutput(0))) {
                                is.valid = false;  // the graph's output keeps its name and layout
                            }
                        } else if (member(user) && readsAtLayoutSlot(user, v)) {
                            if (is.nodes.add(u)) {
                                queue.add(u);
                            }
                        } else if (isPoolBeforeFlatten(ix, user) && user.getInput(0).equals(v)) {
                            is.pools.add(u);
                        } else if (p != null && isTranspose(ix.nodes.get(p), TO_NCHW)) {
                            is.keptInto.add(p);  // an outside reader of a Transpose's NCHW output keeps it
                        } else if (is.entries.contains(v)) {
                            is.sharedEntries.add(v);  // an entry keeps its NCHW readers
                        } else {
                            is.valid = false;
                        }
                    }
                }
            }
            return is;
        }

        /** An asnet NCHW uint8 op, or an elementwise QLinearAdd of two computed tensors. */
        private static boolean member(NodeProto n) {
            return channelsLastOf(n) != null || isElementwiseAdd(n);
        }

        private static boolean readsAtLayoutSlot(NodeProto n, String v) {
            for (int slot = 0; slot < n.getInputCount(); slot++) {
                if (n.getInput(slot).equals(v) && !layoutInputs(n).contains(slot)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * A {@code com.microsoft::QLinearGlobalAveragePool} on NCHW input whose output only Flatten
     * nodes (axis 1) read: with {@code channels_last = 1} on the channels-last twin its output is
     * {@code [N, 1, 1, C]} instead of {@code [N, C, 1, 1]}, the same values in the same order once
     * flattened, so it can be an island's exit (the pooling head after AS-ResNet's last BN).
     */
    private static boolean isPoolBeforeFlatten(GraphIndex ix, NodeProto n) {
        if (!n.getDomain().equals("com.microsoft") || !n.getOpType().equals("QLinearGlobalAveragePool")) {
            return false;
        }
        AttributeProto cl = NchwcOps.attribute(n, "channels_last");
        if (cl != null && cl.getI() != 0 || ix.graphOutputs.contains(n.getOutput(0))) {
            return false;
        }
        List<Integer> readers = ix.users.getOrDefault(n.getOutput(0), List.of());
        for (int r : readers) {
            NodeProto f = ix.nodes.get(r);
            AttributeProto axis = NchwcOps.attribute(f, "axis");
            if (!f.getDomain().isEmpty() || !f.getOpType().equals("Flatten") || axis != null && axis.getI() != 1) {
                return false;
            }
        }
        return !readers.isEmpty();
    }

    /** The input slots whose layout follows the data's (X of the asnet ops, A and B of QLinearAdd). */
    private static List<Integer> layoutInputs(NodeProto n) {
        return isElementwiseAdd(n) ? List.of(0, 3) : List.of(0);
    }

    /** com.microsoft::QLinearAdd (A, A_scale, A_zp, B, B_scale, B_zp, C_scale, C_zp). */
    private static boolean isElementwiseAdd(NodeProto n) {
        return n.getDomain().equals("com.microsoft") && n.getOpType().equals("QLinearAdd") && n.getInputCount() >= 7;
    }

    private static String channelsLastOf(NodeProto n) {
        return n.getDomain().equals(AsnetDomain.DOMAIN) ? CHANNELS_LAST.get(n.getOpType()) : null;
    }

    private static boolean isShift(NodeProto n) {
        return NchwcOps.is(n, AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT_U8);
    }

    /** Whether a shift layer's constant shifts make its NCHW kernel the faster one (class comment). */
    private static boolean manyOffsets(GraphIndex ix, NodeProto asl, Map<String, Long> pixels, double maxOffsets) {
        dev.asnet.exporter.onnx.Onnx.TensorProto init = asl.getInputCount() > 1 ? ix.initializerProtos.get(asl.getInput(1))
                : null;
        float[] shift = init == null ? null : TensorData.floats(init);
        return shift != null && shift.length > 0 && SortShiftChannels.offsetsPerBlock(shift, CHUNK) > maxOffsets
                && pixels.getOrDefault(asl.getName(), Long.MAX_VALUE) >= MIN_PIXELS_FOR_NCHW;
    }

    private static NodeProto transpose(String name, String in, String out, List<Long> perm) {
        return NodeProto.newBuilder().setName(name).setOpType("Transpose").addInput(in).addOutput(out)
                .addAttribute(AttributeProto.newBuilder().setName("perm").setType(AttributeProto.AttributeType.INTS)
                        .addAllInts(perm))
                .build();
    }

    /** Producers, users and names of one graph. */
    private static final class GraphIndex {
        final List<NodeProto> nodes;
        final Map<String, Integer> producer = new HashMap<>();
        final Map<String, List<Integer>> users = new HashMap<>();
        final Set<String> graphOutputs = new HashSet<>();
        final Set<String> graphInputs = new HashSet<>();
        final Set<String> initializers = new HashSet<>();
        final Map<String, dev.asnet.exporter.onnx.Onnx.TensorProto> initializerProtos = new HashMap<>();
        /** Values the graph declares with rank 4 (value_info or outputs). */
        final Set<String> rank4 = new HashSet<>();
        private final Set<String> names = new HashSet<>();

        GraphIndex(GraphProto g) {
            nodes = g.getNodeList();
            for (int i = 0; i < nodes.size(); i++) {
                for (String out : nodes.get(i).getOutputList()) {
                    producer.put(out, i);
                    names.add(out);
                }
                for (String in : nodes.get(i).getInputList()) {
                    users.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
                }
            }
            g.getOutputList().forEach(v -> graphOutputs.add(v.getName()));
            g.getInputList().forEach(v -> {
                graphInputs.add(v.getName());
                names.add(v.getName());
            });
            g.getInitializerList().forEach(t -> {
                initializers.add(t.getName());
                initializerProtos.put(t.getName(), t);
                names.add(t.getName());
            });
            graphInputs.removeAll(initializers);
            java.util.stream.Stream.concat(g.getValueInfoList().stream(), g.getOutputList().stream())
                    .filter(v -> v.getType().hasTensorType() && v.getType().getTensorType().hasShape()
                            && v.getType().getTensorType().getShape().getDimCount() == 4)
                    .forEach(v -> rank4.add(v.getName()));
        }

        /** base, or base with a number appended, that names no value yet (and reserves it). */
        String freeName(String base) {
            String n = base;
            for (int k = 1; names.contains(n); k++) {
                n = base + "_" + k;
            }
            names.add(n);
            return n;
        }
    }

    /** H * W of each ActiveShiftU8's input where the graph declares it, by node name. */
    private static Map<String, Long> inputPixels(GraphProto g) {
        Map<String, ValueInfoProto> declared = new HashMap<>();
        g.getInputList().forEach(v -> declared.put(v.getName(), v));
        g.getValueInfoList().forEach(v -> declared.put(v.getName(), v));
        Map<String, Long> out = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            ValueInfoProto v = NchwcOps.is(n, AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT_U8) && n.getInputCount() > 0
                    ? declared.get(n.getInput(0)) : null;
            if (v == null || !v.getType().hasTensorType()) {
                continue;
            }
            var dims = v.getType().getTensorType().getShape().getDimList();
            if (dims.size() == 4 && dims.get(2).hasDimValue() && dims.get(3).hasDimValue()) {
                out.put(n.getName(), dims.get(2).getDimValue() * dims.get(3).getDimValue());
            }
        }
        return out;
    }

    private static boolean isTranspose(NodeProto n, List<Long> perm) {
        if (!n.getDomain().isEmpty() || !n.getOpType().equals("Transpose")) {
            return false;
        }
        AttributeProto p = NchwcOps.attribute(n, "perm");
        return p != null && p.getIntsList().equals(perm);
    }
}
