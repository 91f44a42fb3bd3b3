package dev.asnet.runtime.nchwc;

import dev.asnet.exporter.onnx.Onnx.AttributeProto;
import dev.asnet.exporter.onnx.Onnx.GraphProto;
import dev.asnet.exporter.onnx.Onnx.ModelProto;
import dev.asnet.exporter.onnx.Onnx.NodeProto;
import dev.asnet.exporter.onnx.Onnx.OperatorSetIdProto;
import dev.asnet.exporter.onnx.Onnx.TensorProto;
import dev.asnet.exporter.onnx.Onnx.ValueInfoProto;
import dev.asnet.exporter.export.SortShiftChannels;
import dev.asnet.exporter.ops.AsnetDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Replaces, in ONNX Runtime's optimized graph, each {@code ReorderOutput -> ActiveShift ->
 * ReorderInput} chain by one {@code ActiveShiftNchwc} that reads the ReorderOutput's blocked input and
 * writes the ReorderInput's blocked output. Everything else stays as ONNX Runtime made it.
 *
 * <p>Exactness rests on {@code ReorderOutput(ReorderInput(y)) == y} for an NCHW tensor y (the
 * round trip keeps every real channel), and on ActiveShiftNchwc's contract,
 * {@code ActiveShiftNchwc(x) == ReorderInput(ActiveShift(ReorderOutput(x)))}. Hence:
 * <ul>
 *   <li>A ReorderOutput whose NCHW output has other users stays, for them.
 *   <li>Every ReorderInput of the ActiveShift's output is dropped and its users read the new op's
 *       output; other users of the NCHW output (including a graph output) get it back from one
 *       ReorderOutput after the new op.
 *   <li>Consecutive ActiveShifts (each output used only by the next) become consecutive
 *       ActiveShiftNchwc nodes.
 *   <li>Strides are copied; the output extent {@code ceil(H/s)} is the same in both layouts.
 *   <li>Left alone, with the reason in the {@link RewriteReport}: an ActiveShift not fed by a
 *       ReorderOutput (it reads a graph input or an NCHW op), one whose output reaches no
 *       ReorderInput (a graph output, NCHW users only), a {@code channels_last} ReorderOutput, a
 *       {@code channels} attribute that differs from the shift's channel count, a shift that is
 *       not a constant {@code [C, 2]} initializer, and malformed strides.
 * </ul>
 */
public final class ActiveShiftNchwcRewriter {

    /**
     * The rewritten model and what was done.
     *
     * @param model the model (the input itself when nothing was rewritten)
     * @param report what was rewritten and left
     */
    public record Result(ModelProto model, RewriteReport report) {}

    private final List<NodeProto> nodes;
    private final Map<String, Integer> producer = new HashMap<>();
    private final Map<String, List<Integer>> users = new HashMap<>();
    private final Set<String> graphOutputs = new HashSet<>();
    /**
     * The most distinct integer offsets per channel block the product rewrites an ASL with: no limit.
     * History, so the choice can be revisited: while the blocked kernel merged one masked load per
     * offset group (its cost grew by about a memory pass per group, and its generic path past eight
     * groups cost 13-33 ReLU passes at 15), the product kept ONNX Runtime's reorders for chains over
     * half a block of offsets (measured on the pretrained as-resnet20-16x3 unsorted, 1.3x slower
     * rewritten; AS-ResNet-w32 with spread shifts, 3.43 vs 3.24 ms on an Intel Xeon). Since the
     * kernel computes blocks of many groups through planar rows (a cost independent of the groups;
     * docs/op-contract.md, "Kernels and providers"), rewriting every chain of that model is 2-3%
     * faster than keeping the 14 wide ones in ONNX Runtime's layout (2.58 vs 2.63 and 2.69 vs 2.78
     * ms, AMD EPYC, 1 thread), and its shift kernels take 415 instead of 1090 us.
     */
    public static final double PRODUCT_MAX_OFFSETS_PER_BLOCK = Double.POSITIVE_INFINITY;

    private final Map<String, TensorProto> initializers = new HashMap<>();
    private final Set<String> usedNames = new HashSet<>();
    private final int blockSize;
    private final double maxOffsetsPerBlock;

    private final boolean[] removed;
    private final Map<Integer, List<NodeProto>> insertBefore = new HashMap<>();
    private final Map<String, String> renames = new HashMap<>();
    private final Set<Integer> touchedReorderOutputs = new LinkedHashSet<>();
    private final List<RewriteReport.Left> left = new ArrayList<>();
    private int rewritten;
    private int keptReorders;

    private ActiveShiftNchwcRewriter(GraphProto g, int blockSize, double maxOffsetsPerBlock) {
        this.blockSize = blockSize;
        this.maxOffsetsPerBlock = maxOffsetsPerBlock;
        this.nodes = g.getNodeList();
        this.removed = new boolean[nodes.size()];
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto n = nodes.get(i);
            usedNames.add(n.getName());
            for (String out : n.getOutputList()) {
                producer.put(out, i);
                usedNames.add(out);
            }
            for (String in : n.getInputList()) {
                List<Integer> u = users.computeIfAbsent(in, k -> new ArrayList<>());
                if (!in.isEmpty() && (u.isEmpty() || u.get(u.size() - 1) != i)) {
                    u.add(i);
                }
                usedNames.add(in);
            }
        }
        for (ValueInfoProto v : g.getOutputList()) {
            graphOutputs.add(v.getName());
        }
        for (ValueInfoProto v : g.getInputList()) {
            usedNames.add(v.getName());
        }
        for (TensorProto t : g.getInitializerList()) {
            initializers.put(t.getName(), t);
            usedNames.add(t.getName());
        }
        for (ValueInfoProto v : g.getValueInfoList()) {
            usedNames.add(v.getName());
        }
    }

    /**
     * Rewrites every rewritable chain, whatever its shifts (what the product does; the
     * three-argument form takes a cost rule).
     *
     * @param optimized ONNX Runtime's optimized graph (subgraphs are not visited: ONNX Runtime's NCHWc
     *     transformer leaves control-flow bodies' ActiveShift nodes as they are too)
     * @param blockSize the block size ONNX Runtime used ({@link BlockSizeDetector})
     * @return the result
     */
    public static Result rewrite(ModelProto optimized, int blockSize) {
        return rewrite(optimized, blockSize, Double.POSITIVE_INFINITY);
    }

    /**
     * Rewrites every rewritable chain whose shifts are gathered enough for the blocked kernel to
     * pay off; the others keep ONNX Runtime's reorders (reported with the reason).
     *
     * @param optimized ONNX Runtime's optimized graph
     * @param blockSize the block size ONNX Runtime used
     * @param maxOffsetsPerBlock the most distinct integer offsets per block a rewritten ASL may have
     *     on average ({@link SortShiftChannels#offsetsPerBlock}); the product uses
     *     {@link #PRODUCT_MAX_OFFSETS_PER_BLOCK}
     * @return the result
     */
    public static Result rewrite(ModelProto optimized, int blockSize, double maxOffsetsPerBlock) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("block size must be > 0, got " + blockSize);
        }
        ActiveShiftNchwcRewriter r = new ActiveShiftNchwcRewriter(optimized.getGraph(), blockSize, maxOffsetsPerBlock);
        r.run();
        RewriteReport report = new RewriteReport(blockSize, r.rewritten, r.keptReorders, r.left);
        return new Result(r.rewritten == 0 ? optimized : r.build(optimized), report);
    }

    private void run() {
        for (int i = 0; i < nodes.size(); i++) {
            if (NchwcOps.isActiveShift(nodes.get(i)) && !continuesChain(i)) {
                rewriteChain(chainFrom(i));
            }
        }
        // A ReorderOutput is dropped only once no remaining node or graph output reads it (two
        // ActiveShifts may read the same one).
        for (int ro : touchedReorderOutputs) {
            String out = nodes.get(ro).getOutput(0);
            boolean needed = graphOutputs.contains(out);
            for (int u : users.getOrDefault(out, List.of())) {
                needed |= !removed[u];
            }
            if (needed) {
                keptReorders++;
            } else {
                removed[ro] = true;
            }
        }
    }

    /** Whether ActiveShift {@code i} only continues a chain started by the ActiveShift before it. */
    private boolean continuesChain(int i) {
        Integer p = producer.get(nodes.get(i).getInput(0));
        return p != null && NchwcOps.isActiveShift(nodes.get(p)) && next(p) == i;
    }

    /** The ActiveShift that is the only user of ActiveShift {@code i}'s output, or -1. */
    private int next(int i) {
        NodeProto n = nodes.get(i);
        if (n.getOutputCount() != 1 || graphOutputs.contains(n.getOutput(0))) {
            return -1;
        }
        List<Integer> u = users.getOrDefault(n.getOutput(0), List.of());
        if (u.size() != 1) {
            return -1;
        }
        NodeProto m = nodes.get(u.get(0));
        return NchwcOps.isActiveShift(m) && m.getInputCount() > 0 && m.getInput(0).equals(n.getOutput(0))
                && countOf(m.getInputList(), n.getOutput(0)) == 1 ? u.get(0) : -1;
    }

    private List<Integer> chainFrom(int i) {
        List<Integer> chain = new ArrayList<>();
        for (int c = i; c >= 0 && !chain.contains(c); c = next(c)) {
            chain.add(c);
        }
        return chain;
    }

    private void rewriteChain(List<Integer> chain) {
        String problem = checkShiftNodes(chain);
        long channels = problem == null ? shiftChannels(nodes.get(chain.get(0))) : -1;
        NodeProto head = nodes.get(chain.get(0));
        Integer ro = problem == null ? producer.get(head.getInput(0)) : null;
        if (problem == null) {
            problem = checkReorderOutput(ro, channels);
        }
        NodeProto tail = nodes.get(chain.get(chain.size() - 1));
        String tailOut = tail.getOutput(0);
        List<Integer> reorderInputs = new ArrayList<>();
        boolean otherUsers = graphOutputs.contains(tailOut);
        for (int u : users.getOrDefault(tailOut, List.of())) {
            NodeProto n = nodes.get(u);
            if (NchwcOps.is(n, NchwcOps.DOMAIN, NchwcOps.REORDER_INPUT)
                    && NchwcOps.intAttribute(n, NchwcOps.CHANNELS_LAST, 0) == 0 && n.getInputCount() == 1
                    && n.getOutputCount() == 1) {
                reorderInputs.add(u);
            } else {
                otherUsers = true;
            }
        }
        if (problem == null && reorderInputs.isEmpty()) {
            problem = graphOutputs.contains(tailOut) ? "its output is a graph output and reaches no ReorderInput"
                    : "its output reaches no ReorderInput (only NCHW users)";
        }
        for (int ri : reorderInputs) {
            if (problem == null && graphOutputs.contains(nodes.get(ri).getOutput(0))) {
                problem = "a ReorderInput of its output writes a graph output";
            }
        }
        if (problem != null) {
            for (int a : chain) {
                left.add(new RewriteReport.Left(nodes.get(a).getName(), problem));
            }
            return;
        }

        String blocked = nodes.get(ro).getInput(0);
        String result = nodes.get(reorderInputs.get(0)).getOutput(0);
        List<NodeProto> added = new ArrayList<>();
        String in = blocked;
        for (int j = 0; j < chain.size(); j++) {
            NodeProto a = nodes.get(chain.get(j));
            String out = j == chain.size() - 1 ? result : fresh(a.getOutput(0) + "_nchwc");
            added.add(activeShiftNchwc(a, in, out));
            in = out;
            removed[chain.get(j)] = true;
        }
        if (otherUsers) {
            // NCHW users (or a graph output) of the ActiveShift's output get it from the blocked result.
            added.add(NodeProto.newBuilder().setName(fresh(tail.getName() + "_reorder_output"))
                    .setDomain(NchwcOps.DOMAIN).setOpType(NchwcOps.REORDER_OUTPUT)
                    .addInput(result).addOutput(tailOut)
                    .addAttribute(intAttr(NchwcOps.CHANNELS, channels))
                    .addAttribute(intAttr(NchwcOps.CHANNELS_LAST, 0)).build());
            keptReorders++;
        }
        for (int m = 0; m < reorderInputs.size(); m++) {
            removed[reorderInputs.get(m)] = true;
            if (m > 0) {
                renames.put(nodes.get(reorderInputs.get(m)).getOutput(0), result);
            }
        }
        touchedReorderOutputs.add(ro);
        insertBefore.put(chain.get(0), added);
        rewritten += chain.size();
    }

    /** Checks the ActiveShift nodes themselves; null when they can be rewritten. */
    private String checkShiftNodes(List<Integer> chain) {
        long channels = -1;
        for (int a : chain) {
            NodeProto n = nodes.get(a);
            if (n.getInputCount() != 2 || n.getOutputCount() != 1) {
                return "it has " + n.getInputCount() + " inputs and " + n.getOutputCount() + " outputs, not 2 and 1";
            }
            long c = shiftChannels(n);
            if (c <= 0) {
                return "its shift '" + n.getInput(1) + "' is not a constant [C, 2] float initializer";
            }
            if (channels >= 0 && c != channels) {
                return "consecutive ActiveShift nodes have " + channels + " and " + c + " channels";
            }
            channels = c;
            float[] shift = maxOffsetsPerBlock < Double.POSITIVE_INFINITY
                    ? shiftValues(initializers.get(n.getInput(1))) : null;  // no limit: nothing to count
            if (shift != null) {
                double offsets = SortShiftChannels.offsetsPerBlock(shift, blockSize);
                if (offsets > maxOffsetsPerBlock) {
                    return String.format(java.util.Locale.ROOT, "its shifts fall on %.1f distinct integer offsets per "
                            + "%d-channel block (more than the %.0f asked for; ordering the channels by offset at "
                            + "export lowers this)", offsets, blockSize, maxOffsetsPerBlock);
                }
            }
            AttributeProto s = NchwcOps.attribute(n, AsnetDomain.STRIDES);
            if (s != null && (s.getIntsCount() != 2 || s.getInts(0) < 1 || s.getInts(1) < 1)) {
                return "its strides " + s.getIntsList() + " are not 2 values >= 1";
            }
        }
        return null;
    }

    /** Checks the node feeding the chain; null when it is a usable ReorderOutput. */
    private String checkReorderOutput(Integer ro, long channels) {
        if (ro == null) {
            return "it reads a graph input or initializer (NCHW), not a ReorderOutput";
        }
        NodeProto n = nodes.get(ro);
        if (!NchwcOps.is(n, NchwcOps.DOMAIN, NchwcOps.REORDER_OUTPUT)) {
            return "it reads the output of " + (n.getDomain().isEmpty() ? "" : n.getDomain() + ":") + n.getOpType()
                    + " '" + n.getName() + "', not a ReorderOutput";
        }
        if (n.getInputCount() != 1 || n.getOutputCount() != 1) {
            return "its ReorderOutput '" + n.getName() + "' is malformed";
        }
        if (NchwcOps.intAttribute(n, NchwcOps.CHANNELS_LAST, 0) != 0) {
            return "its ReorderOutput '" + n.getName() + "' writes channels_last (NHWC)";
        }
        long c = NchwcOps.intAttribute(n, NchwcOps.CHANNELS, 0);
        if (c != channels) {
            return "its ReorderOutput '" + n.getName() + "' has channels=" + c + " but the shift has " + channels;
        }
        return null;
    }

    /** A float initializer's values (raw or float data), or null when it has none in the file. */
    private static float[] shiftValues(TensorProto t) {
        if (t == null) {
            return null;
        }
        if (t.getFloatDataCount() > 0) {
            float[] v = new float[t.getFloatDataCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = t.getFloatData(i);
            }
            return v;
        }
        java.nio.ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[raw.remaining() / 4];
        raw.asFloatBuffer().get(v);
        return v.length == 0 ? null : v;
    }

    /** The shift's channel count C when it is a constant float {@code [C, 2]} initializer, else -1. */
    private long shiftChannels(NodeProto n) {
        TensorProto t = n.getInputCount() == 2 ? initializers.get(n.getInput(1)) : null;
        if (t == null || t.getDataType() != TensorProto.DataType.FLOAT_VALUE || t.getDimsCount() != 2
                || t.getDims(1) != 2 || t.getDims(0) <= 0) {
            return -1;
        }
        return t.getDims(0);
    }

    private NodeProto activeShiftNchwc(NodeProto a, String in, String out) {
        NodeProto.Builder b = NodeProto.newBuilder().setName(fresh(a.getName() + "_nchwc"))
                .setDomain(AsnetDomain.DOMAIN).setOpType(NchwcOps.ACTIVE_SHIFT_NCHWC)
                .addInput(in).addInput(a.getInput(1)).addOutput(out);
        AttributeProto strides = NchwcOps.attribute(a, AsnetDomain.STRIDES);
        if (strides != null) {
            b.addAttribute(strides);
        }
        return b.addAttribute(intAttr(NchwcOps.BLOCK_SIZE, blockSize)).build();
    }

    private static AttributeProto intAttr(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private String fresh(String base) {
        String name = base;
        for (int i = 1; usedNames.contains(name); i++) {
            name = base + "_" + i;
        }
        usedNames.add(name);
        return name;
    }

    private static int countOf(List<String> list, String s) {
        int c = 0;
        for (String x : list) {
            c += x.equals(s) ? 1 : 0;
        }
        return c;
    }

    private ModelProto build(ModelProto optimized) {
        GraphProto.Builder g = optimized.getGraph().toBuilder().clearNode();
        Set<String> referenced = new HashSet<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (NodeProto n : insertBefore.getOrDefault(i, List.of())) {
                g.addNode(n);
                referenced.addAll(n.getInputList());
                referenced.addAll(n.getOutputList());
            }
            if (removed[i]) {
                continue;
            }
            NodeProto n = nodes.get(i);
            NodeProto.Builder b = n.toBuilder();
            for (int k = 0; k < b.getInputCount(); k++) {
                String to = renames.get(b.getInput(k));
                if (to != null) {
                    b.setInput(k, to);
                }
            }
            g.addNode(b);
            referenced.addAll(b.getInputList());
            referenced.addAll(b.getOutputList());
        }
        // Shapes of tensors that no longer exist would only confuse readers of the file.
        List<ValueInfoProto> info = new ArrayList<>(g.getValueInfoList());
        g.clearValueInfo();
        for (ValueInfoProto v : info) {
            if (referenced.contains(v.getName())) {
                g.addValueInfo(v);
            }
        }
        ModelProto.Builder m = optimized.toBuilder().setGraph(g);
        boolean imported = false;
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            imported |= o.getDomain().equals(AsnetDomain.DOMAIN);
        }
        if (!imported) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(AsnetDomain.DOMAIN)
                    .setVersion(AsnetDomain.VERSION));
        }
        return m.build();
    }
}
