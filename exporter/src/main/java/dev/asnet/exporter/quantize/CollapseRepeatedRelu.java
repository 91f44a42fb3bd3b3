package dev.asnet.exporter.quantize;

import dev.asnet.exporter.export.GraphPass;
import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Value;
import java.util.ArrayList;

/**
 * Removes a Relu whose input is already a Relu's output ({@code Relu(Relu(x)) = Relu(x)}).
 * ONNX Runtime 1.29 fails at session creation on {@code Conv -> Relu -> Relu -> QuantizeLinear}
 * ("two nodes with same node name": its QDQ fusions name both rewritten nodes after the conv), so
 * a quantized graph must never hold consecutive Relus.
 */
public final class CollapseRepeatedRelu implements GraphPass {
    private int removed;

    /** Creates the pass. */
    public CollapseRepeatedRelu() {}

    /**
     * How many Relus the last run removed.
     *
     * @return the count
     */
    public int removed() {
        return removed;
    }

    @Override
    public void apply(Graph g) {
        removed = 0;
        for (Node n : new ArrayList<>(g.nodes())) {
            if (!isRelu(n) || n.input(0).producer() == null || !isRelu(n.input(0).producer())) {
                continue;
            }
            Value inner = n.input(0);
            Value outer = n.output();
            if (g.outputs().contains(outer) && g.outputs().contains(inner)) {
                continue;  // both are outputs of the model: keep its interface
            }
            String name = outer.name();
            outer.replaceAllUsesWith(inner);
            g.removeNode(n);
            if (name != null && g.outputs().contains(inner)) {
                inner.rename(name);  // the model's output keeps its name
            }
            removed++;
        }
    }

    private static boolean isRelu(Node n) {
        return n.domain().isEmpty() && n.opType().equals("Relu");
    }
}
