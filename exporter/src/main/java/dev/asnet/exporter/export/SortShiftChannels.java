package dev.asnet.exporter.export;

import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Usage;
import dev.asnet.exporter.ir.Value;
import dev.asnet.exporter.ops.AsnetDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Orders the channels of every Active Shift layer by the integer parts of their shifts
 * ({@code floor(y)}, then {@code floor(x)}) and folds the permutation into the convolutions
 * around it, so the network computes the same function (up to float rounding) with channels that
 * share an integer offset next to each other. In ONNX Runtime's blocked (NCHWc) layout a block of
 * 8 or 16 neighbouring channels is one vector; the fewer distinct offsets a block holds, the fewer
 * shifted vector loads the blocked ASL kernel needs (see {@code docs/op-contract.md}).
 *
 * <p>A layer is reordered only when the whole chain can be permuted exactly: its input is made by
 * a Conv (optionally followed by BatchNormalization, then Relu or Clip), each link used by the
 * next one only; its shift is an initializer; and every user of its output is a Conv with group 1
 * that reads it as input X. The producing Conv's output channels (weights, bias), the BN's
 * parameters, the shifts and the consuming Convs' input channels are re-indexed; nothing else in
 * the graph changes. Layers that do not match are left as they are. Initializers shared with other
 * nodes are never modified in place (the layer is skipped).
 */
public final class SortShiftChannels implements GraphPass {
    private int reordered;

    /** Creates the pass. */
    public SortShiftChannels() {}

    /**
     * How many layers the last run reordered (an already ordered layer counts as reordered).
     *
     * @return the count
     */
    public int reordered() {
        return reordered;
    }

    @Override
    public void apply(Graph g) {
        reordered = 0;
        for (Node n : new ArrayList<>(g.nodes())) {
            if (n.domain().equals(AsnetDomain.DOMAIN) && n.opType().equals(AsnetDomain.ACTIVE_SHIFT)) {
                if (reorder(g, n)) {
                    reordered++;
                }
            }
        }
    }

    /**
     * The order that sorts channels by (floor(y), floor(x)), stable (ties keep their order).
     *
     * @param shift [C, 2] shifts, (x, y) per channel
     * @return {@code perm} with new channel {@code k} = old channel {@code perm[k]}
     */
    public static int[] order(float[] shift) {
        int c = shift.length / 2;
        return IntStream.range(0, c).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> Math.floor(shift[2 * i + 1]))
                        .thenComparingDouble(i -> Math.floor(shift[2 * i])))
                .mapToInt(Integer::intValue).toArray();
    }

    private static boolean reorder(Graph g, Node asl) {
        Value shift = asl.input(1);
        if (!shift.isInitializer() || !onlyUser(shift, asl)) {
            return false;
        }
        // Walk up: elementwise activation, optional BN, then the Conv that makes the channels.
        Node act = null;
        Node bn = null;
        Node conv = producerUsedOnlyBy(asl.input(0), asl);
        if (conv != null && isActivation(conv)) {
            act = conv;
            conv = producerUsedOnlyBy(act.input(0), act);
        }
        if (conv != null && conv.opType().equals("BatchNormalization") && conv.domain().isEmpty()) {
            bn = conv;
            conv = producerUsedOnlyBy(bn.input(0), bn);
        }
        if (conv == null || !isPlainConv(conv) || group(conv) != 1 || conv.outputs().size() != 1) {
            return false;
        }
        List<Node> consumers = new ArrayList<>();
        for (Usage u : asl.output().users()) {
            if (u.inputIndex() != 0 || !isPlainConv(u.node()) || group(u.node()) != 1) {
                return false;
            }
            consumers.add(u.node());
        }
        if (consumers.isEmpty() || g.outputs().contains(asl.output()) || g.outputs().contains(asl.input(0))) {
            return false;
        }
        // Every initializer to re-index must belong to this chain alone.
        List<Value> toPermute = new ArrayList<>();
        List<Node> owners = new ArrayList<>();
        for (int i = 1; i < conv.inputs().size(); i++) {
            toPermute.add(conv.input(i));
            owners.add(conv);
        }
        if (bn != null) {
            for (int i = 1; i < bn.inputs().size(); i++) {
                toPermute.add(bn.input(i));
                owners.add(bn);
            }
        }
        if (act != null && act.opType().equals("Clip")) {
            for (Value v : act.inputs().subList(1, act.inputs().size())) {
                if (v != null && !(v.isInitializer() && v.data().size() == 1)) {
                    return false;  // Clip bounds must be scalars to commute with a permutation
                }
            }
        }
        for (int i = 0; i < toPermute.size(); i++) {
            Value v = toPermute.get(i);
            if (v == null || !v.isInitializer() || !onlyUser(v, owners.get(i))) {
                return false;
            }
        }
        for (Node c : consumers) {
            if (!c.input(1).isInitializer() || !onlyUser(c.input(1), c)) {
                return false;
            }
        }
        float[] s = shift.data().floats();
        int channels = s.length / 2;
        if (conv.input(1).data().dims()[0] != channels) {
            return false;
        }
        int[] perm = order(s);
        if (isIdentity(perm)) {
            return true;
        }
        g.replaceInitializerData(shift.name(), permuteRows(shift.data(), perm));
        for (Value v : toPermute) {
            g.replaceInitializerData(v.name(), permuteRows(v.data(), perm));
        }
        for (Node c : consumers) {
            g.replaceInitializerData(c.input(1).name(), permuteColumns(c.input(1).data(), perm));
        }
        return true;
    }

    private static boolean isActivation(Node n) {
        return n.domain().isEmpty() && (n.opType().equals("Relu") || n.opType().equals("Clip"));
    }

    private static boolean isPlainConv(Node n) {
        return n.domain().isEmpty() && n.opType().equals("Conv") && n.input(1).isInitializer();
    }

    private static long group(Node n) {
        return n.attribute("group").map(a -> a.asInt()).orElse(1L);
    }

    private static boolean onlyUser(Value v, Node user) {
        for (Usage u : v.users()) {
            if (u.node() != user) {
                return false;
            }
        }
        return !v.graph().outputs().contains(v);
    }

    /** The node making {@code v}, when {@code user} is the only node reading it; else null. */
    private static Node producerUsedOnlyBy(Value v, Node user) {
        Node p = v.producer();
        return p != null && onlyUser(v, user) && p.outputs().size() >= 1 && p.output() == v ? p : null;
    }

    private static boolean isIdentity(int[] perm) {
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] != i) {
                return false;
            }
        }
        return true;
    }

    /** Re-indexes the first axis: new row k = old row perm[k]. */
    static Tensor permuteRows(Tensor t, int[] perm) {
        float[] src = t.floats();
        int row = src.length / perm.length;
        float[] dst = new float[src.length];
        for (int k = 0; k < perm.length; k++) {
            System.arraycopy(src, perm[k] * row, dst, k * row, row);
        }
        return Tensor.ofFloats(dst, t.dims());
    }

    /** Re-indexes the second axis of a conv weight [O, I, ...]: new column k = old column perm[k]. */
    static Tensor permuteColumns(Tensor t, int[] perm) {
        long[] d = t.dims();
        float[] src = t.floats();
        int inner = (int) (src.length / (d[0] * d[1]));
        float[] dst = new float[src.length];
        for (int o = 0; o < d[0]; o++) {
            for (int k = 0; k < perm.length; k++) {
                System.arraycopy(src, (int) ((o * d[1] + perm[k]) * inner), dst, (int) ((o * d[1] + k) * inner), inner);
            }
        }
        return Tensor.ofFloats(dst, d);
    }

    /**
     * How many distinct integer offsets each block of {@code block} neighbouring channels holds, on
     * average: the number of shifted vector loads per output vector a blocked kernel needs.
     *
     * @param shift [C, 2] shifts
     * @param block channels per block (8 or 16 in ONNX Runtime's NCHWc layout)
     * @return the mean number of distinct (floor(y), floor(x)) pairs per block
     */
    public static double offsetsPerBlock(float[] shift, int block) {
        int c = shift.length / 2;
        int blocks = 0;
        long total = 0;
        for (int b0 = 0; b0 < c; b0 += block) {
            long distinct = IntStream.range(b0, Math.min(c, b0 + block))
                    .mapToObj(i -> Arrays.asList((int) Math.floor(shift[2 * i + 1]), (int) Math.floor(shift[2 * i])))
                    .distinct().count();
            total += distinct;
            blocks++;
        }
        return blocks == 0 ? 0 : (double) total / blocks;
    }
}
