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
 * -> ActiveShiftU8 -> Transpose(perm 0,2,3,1)} chain by one {@code ActiveShiftNhwcU8} that reads the
 * first Transpose's channels-last input and writes the second one's output. At level ALL ONNX
 * Runtime runs its quantized convs channels-last ({@code com.microsoft:QLinearConv} with {@code
 * channels_last}) and puts these Transposes around every op it does not know; the rewrite removes
 * two uint8 passes per Active Shift layer.
 *
 * <p>Exact: {@code ActiveShiftNhwcU8(x) == Transpose(ActiveShiftU8(Transpose(x)))} byte for byte
 * (the op contract). A first Transpose with other users stays for them; the chain is left alone when
 * the ActiveShiftU8's output has a user other than a {@code 0,2,3,1} Transpose, or is a graph output.
 *
 * <p>Also left alone: a layer on a large map ({@link #MIN_PIXELS_FOR_NCHW} or more input pixels,
 * when the source model declares its input shape) whose constant shifts fall on more than {@link
 * #MAX_OFFSETS_PER_CHUNK} distinct integer offsets per 16 channels. The channels-last kernel pays
 * one masked load per distinct offset in a 16-channel chunk, while the NCHW kernel's cost does not
 * depend on the offsets; on large maps ONNX Runtime's two uint8 Transposes cost less than the extra
 * loads, on small ones the NCHW kernel's per-row cost is the larger.
 */
public final class ActiveShiftNhwcU8Rewriter {
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
     * The rewritten model and how many chains became {@code ActiveShiftNhwcU8}.
     *
     * @param model the model (the input itself when nothing was rewritten)
     * @param rewritten the number of chains replaced
     * @param left ActiveShiftU8 nodes left as they were
     */
    public record Result(ModelProto model, int rewritten, int left) {}

    private ActiveShiftNhwcU8Rewriter() {}

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
        GraphProto g = model.getGraph();
        Map<String, Long> pixels = source == null ? Map.of() : inputPixels(source.getGraph());
        Map<String, dev.asnet.exporter.onnx.Onnx.TensorProto> initializers = new HashMap<>();
        g.getInitializerList().forEach(t -> initializers.put(t.getName(), t));
        List<NodeProto> nodes = g.getNodeList();
        Map<String, Integer> producer = new HashMap<>();
        Map<String, List<Integer>> users = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String out : nodes.get(i).getOutputList()) {
                producer.put(out, i);
            }
            for (String in : nodes.get(i).getInputList()) {
                users.computeIfAbsent(in, k -> new ArrayList<>()).add(i);
            }
        }
        Set<String> graphOutputs = new HashSet<>();
        g.getOutputList().forEach(v -> graphOutputs.add(v.getName()));
        boolean[] removed = new boolean[nodes.size()];
        Map<Integer, NodeProto> replaced = new HashMap<>();
        Set<String> goneValues = new HashSet<>();
        int rewritten = 0;
        int left = 0;
        for (int i = 0; i < nodes.size(); i++) {
            NodeProto asl = nodes.get(i);
            if (!NchwcOps.is(asl, AsnetDomain.DOMAIN, AsnetDomain.ACTIVE_SHIFT_U8)) {
                continue;
            }
            Integer t1 = asl.getInputCount() == 4 ? producer.get(asl.getInput(0)) : null;
            String y = asl.getOutput(0);
            List<Integer> after = users.getOrDefault(y, List.of());
            boolean chain = t1 != null && isTranspose(nodes.get(t1), TO_NCHW) && !graphOutputs.contains(y)
                    && after.size() == 1 && isTranspose(nodes.get(after.get(0)), TO_NHWC);
            dev.asnet.exporter.onnx.Onnx.TensorProto shiftInit = initializers.get(asl.getInput(1));
            float[] shift = shiftInit == null ? null : TensorData.floats(shiftInit);
            boolean manyOffsets = shift != null && shift.length > 0
                    && SortShiftChannels.offsetsPerBlock(shift, CHUNK) > maxOffsets;
            if (!chain || manyOffsets && pixels.getOrDefault(asl.getName(), Long.MAX_VALUE) >= MIN_PIXELS_FOR_NCHW) {
                left++;
                continue;
            }
            int t2 = after.get(0);
            NodeProto.Builder nhwc = NodeProto.newBuilder().setName(asl.getName()).setDomain(AsnetDomain.DOMAIN)
                    .setOpType(AsnetDomain.ACTIVE_SHIFT_NHWC_U8).addInput(nodes.get(t1).getInput(0))
                    .addInput(asl.getInput(1)).addInput(asl.getInput(2)).addInput(asl.getInput(3))
                    .addOutput(nodes.get(t2).getOutput(0));
            for (AttributeProto a : asl.getAttributeList()) {
                nhwc.addAttribute(a);
            }
            replaced.put(i, nhwc.build());
            removed[t2] = true;
            goneValues.add(y);
            String t1Out = nodes.get(t1).getOutput(0);
            if (users.get(t1Out).size() == 1 && !graphOutputs.contains(t1Out)) {
                removed[t1] = true;
                goneValues.add(t1Out);
            }
            rewritten++;
        }
        if (rewritten == 0) {
            return new Result(model, 0, left);
        }
        GraphProto.Builder out = g.toBuilder().clearNode();
        for (int i = 0; i < nodes.size(); i++) {
            if (!removed[i]) {
                out.addNode(replaced.getOrDefault(i, nodes.get(i)));
            }
        }
        out.clearValueInfo();
        for (ValueInfoProto v : g.getValueInfoList()) {
            if (!goneValues.contains(v.getName())) {
                out.addValueInfo(v);
            }
        }
        return new Result(model.toBuilder().setGraph(out).build(), rewritten, left);
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
