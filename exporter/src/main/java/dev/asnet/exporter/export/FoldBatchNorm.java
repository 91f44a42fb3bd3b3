package dev.asnet.exporter.export;

import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.InitializerRole;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Tensor;
import dev.asnet.exporter.ir.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Folds BatchNormalization into the Conv before it. A Conv whose only user is a
 * BatchNormalization, with weights, bias and statistics all initializers used nowhere else, gets
 * {@code W' = W * s} and {@code b' = (b - mean) * s + beta}, {@code s = gamma / sqrt(var + eps)},
 * and the BN node goes: its users read the Conv, whose output takes the BN output's name. BN that
 * follows anything else stays. The BN's parameters are left in the graph, unused (remove them with
 * {@link Graph#removeUnusedInitializers}).
 */
public final class FoldBatchNorm implements GraphPass {
    @Override
    public void apply(Graph g) {
        // A new bias never takes a name some value had before the pass, even one removed since:
        // readers of the source model know that name as something else.
        Set<String> namesBefore = valueNames(g);
        // Pairs are chosen before anything changes, so a fold never makes another BN foldable
        // (Conv, BN, BN folds the first BN only).
        List<Node> foldable = new ArrayList<>();
        for (Node bn : g.nodes()) {
            if (foldable(g, bn)) {
                foldable.add(bn);
            }
        }
        for (Node bn : foldable) {
            fold(g, bn.input(0).producer(), bn, namesBefore);
        }
    }

    /** Whether a node is a BN that can be folded into the Conv producing its input. */
    static boolean foldable(Graph g, Node bn) {
        if (!bn.domain().isEmpty() || !bn.opType().equals("BatchNormalization")) {
            return false;
        }
        Node conv = bn.input(0).producer();
        if (conv == null || !conv.domain().isEmpty() || !conv.opType().equals("Conv")) {
            return false;
        }
        boolean ok = conv.output().users().size() == 1 && !g.outputs().contains(conv.output())
                && conv.input(1).isInitializer() && conv.input(1).users().size() == 1
                && (conv.input(2) == null || conv.input(2).isInitializer() && conv.input(2).users().size() == 1);
        for (int i = 1; i < 5; i++) {
            ok &= bn.input(i).isInitializer();
        }
        return ok;
    }

    private static void fold(Graph g, Node conv, Node bn, Set<String> namesBefore) {
        Tensor w = conv.input(1).data();
        long[] dims = w.dims();
        int m = (int) dims[0];
        int per = w.size() / m;
        float[] gamma = bn.input(1).data().floats();
        float[] beta = bn.input(2).data().floats();
        float[] mean = bn.input(3).data().floats();
        float[] var = bn.input(4).data().floats();
        float eps = bn.attribute("epsilon").map(a -> a.asFloat()).orElse(1e-5f);
        float[] bias0 = conv.input(2) == null ? new float[m] : conv.input(2).data().floats();
        float[] wf = w.floats();
        float[] bias = new float[m];
        for (int o = 0; o < m; o++) {
            double s = gamma[o] / Math.sqrt((double) var[o] + eps);
            for (int i = 0; i < per; i++) {
                wf[o * per + i] = (float) (wf[o * per + i] * s);
            }
            bias[o] = (float) ((bias0[o] - (double) mean[o]) * s + beta[o]);
        }
        g.replaceInitializerData(conv.input(1).name(), Tensor.ofFloats(wf, dims));
        if (conv.input(2) != null) {
            g.replaceInitializerData(conv.input(2).name(), Tensor.ofFloats(bias, m));
        } else {
            String wanted = conv.name() + ".bias";
            boolean free = !namesBefore.contains(wanted) && !g.names().hasValueName(wanted);
            conv.replaceInput(2, g.addInitializer(free ? wanted : null, Tensor.ofFloats(bias, m), InitializerRole.PARAMETER));
        }
        Value normalized = bn.output();
        String name = normalized.name();
        normalized.replaceAllUsesWith(conv.output());
        g.removeNode(bn);
        conv.output().rename(name);
    }

    private static Set<String> valueNames(Graph g) {
        Set<String> names = new HashSet<>();
        List<Value> all = new ArrayList<>(g.inputs());
        all.addAll(g.initializers());
        for (Node n : g.nodes()) {
            all.addAll(n.outputs());
        }
        for (Value v : all) {
            if (v.name() != null) {
                names.add(v.name());
            }
        }
        return names;
    }
}
