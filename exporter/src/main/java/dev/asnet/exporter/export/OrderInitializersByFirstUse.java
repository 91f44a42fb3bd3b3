package dev.asnet.exporter.export;

import dev.asnet.exporter.ir.Graph;
import dev.asnet.exporter.ir.Node;
import dev.asnet.exporter.ir.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Orders initializers by the first node that reads them (inputs in slot order), so an exported
 * file lists each weight next to its layer. Initializers created together for one replaced node
 * (given as blocks) stay together, in creation order, where the first of them is first read.
 * Initializers no node reads keep their relative order, at the end.
 */
public final class OrderInitializersByFirstUse implements GraphPass {
    private final List<List<Value>> blocks;

    /**
     * An ordering pass.
     *
     * @param blocks initializers that belong together, such as {@link
     *     LowerActiveShift#createdInitializers()}
     */
    public OrderInitializersByFirstUse(List<List<Value>> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    @Override
    public void apply(Graph g) {
        Map<Value, List<Value>> blockOf = new HashMap<>();
        for (List<Value> block : blocks) {
            for (Value v : block) {
                blockOf.put(v, block);
            }
        }
        Set<Value> order = new LinkedHashSet<>();
        for (Node n : g.nodes()) {
            for (Value v : n.inputs()) {
                if (v == null || !v.isInitializer() || order.contains(v)) {
                    continue;
                }
                for (Value member : blockOf.getOrDefault(v, List.of(v))) {
                    if (!member.isRemoved()) {
                        order.add(member);
                    }
                }
            }
        }
        List<Value> all = new ArrayList<>(order);
        for (Value v : g.initializers()) {
            if (!order.contains(v)) {
                all.add(v);
            }
        }
        g.reorderInitializers(all);
    }
}
