package dev.asnet.exporter.ir;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Keeps value and node names unique within a graph. Names the user sets are claimed at once and a
 * clash fails immediately; names for everything left unnamed are generated only by {@link
 * #nameAll}, after every user name is known, so a generated name never takes a name the user
 * wanted.
 */
public final class NameAuthority {
    private final Graph graph;
    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, Node> nodes = new HashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();

    NameAuthority(Graph graph) {
        this.graph = graph;
    }

    void claimValueName(Value v, String name) {
        if (name == null || name.isEmpty()) {
            throw new IrException("graph '" + graph.name() + "': value name must be non-empty");
        }
        if (v.name() != null && !v.name().equals(name)) {
            throw new IrException("graph '" + graph.name() + "': value '" + v.name() + "' is already named; cannot rename it to '"
                    + name + "'");
        }
        Value owner = values.get(name);
        if (owner != null && owner != v) {
            throw new IrException("graph '" + graph.name() + "': duplicate value name '" + name + "' (already used by "
                    + owner.describe() + ")");
        }
        values.put(name, v);
    }

    void claimNodeName(Node n, String name) {
        if (name == null || name.isEmpty()) {
            throw new IrException("graph '" + graph.name() + "': node name must be non-empty");
        }
        if (n.name() != null && !n.name().equals(name)) {
            throw new IrException("graph '" + graph.name() + "': " + n.describe() + " is already named; cannot rename it to '"
                    + name + "'");
        }
        Node owner = nodes.get(name);
        if (owner != null && owner != n) {
            throw new IrException("graph '" + graph.name() + "': duplicate node name '" + name + "' (already used by "
                    + owner.describe() + ")");
        }
        nodes.put(name, n);
    }

    /**
     * Whether a value name is taken.
     *
     * @param name the name
     * @return true if some value has it
     */
    public boolean hasValueName(String name) {
        return values.containsKey(name);
    }

    /** Names every unnamed node, then every unnamed value, deterministically in graph order. */
    void nameAll() {
        for (Node n : graph.nodes()) {
            if (n.name() == null) {
                String name = fresh(n.opType().toLowerCase(Locale.ROOT), nodes);
                nodes.put(name, n);
                n.assignName(name);
            }
        }
        for (Value v : graph.inputs()) {
            nameValue(v, "input");
        }
        for (Value v : graph.initializers()) {
            nameValue(v, v.role() == InitializerRole.PARAMETER ? "param" : "const");
        }
        for (Node n : graph.nodes()) {
            for (Value v : n.outputs()) {
                nameValue(v, n.outputs().size() == 1 ? n.name() + "_out" : n.name() + "_out" + v.outputIndex());
            }
        }
    }

    private void nameValue(Value v, String hint) {
        if (v.name() == null) {
            String name = values.containsKey(hint) ? fresh(hint, values) : hint;
            values.put(name, v);
            v.assignName(name);
        }
    }

    private String fresh(String hint, Map<String, ?> taken) {
        int k = counters.getOrDefault(hint, 0);
        String name;
        do {
            name = hint + "_" + k++;
        } while (taken.containsKey(name));
        counters.put(hint, k);
        return name;
    }
}
