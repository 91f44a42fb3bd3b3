package dev.asnet.exporter.ir;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps value and node names unique within a graph. Names the user sets are claimed at once and a
 * clash fails immediately; names for everything left unnamed are generated only by {@link
 * #nameAll}, after every user name is known, so a generated name never takes a name the user
 * wanted. Renames and removals give names back, so a pass that replaces a node can hand the old
 * node's name to its replacement.
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

    /** Gives up a value's name (renamed to null or removed from the graph). */
    void releaseValueName(Value v) {
        if (v.name() != null && values.get(v.name()) == v) {
            values.remove(v.name());
        }
    }

    /** Gives up a node's name. */
    void releaseNodeName(Node n) {
        if (n.name() != null && nodes.get(n.name()) == n) {
            nodes.remove(n.name());
        }
    }

    /** Moves a value from its name (if any) to another; null leaves it unnamed. */
    void renameValue(Value v, String name) {
        if (name != null && name.equals(v.name())) {
            return;
        }
        if (name != null) {
            Value owner = values.get(name);
            requireFree(name, owner == null ? null : owner.describe(), "value");
        }
        releaseValueName(v);
        if (name != null) {
            values.put(name, v);
        }
    }

    /** Moves a node from its name (if any) to another; null leaves it unnamed. */
    void renameNode(Node n, String name) {
        if (name != null && name.equals(n.name())) {
            return;
        }
        if (name != null) {
            Node owner = nodes.get(name);
            requireFree(name, owner == null ? null : owner.describe(), "node");
        }
        releaseNodeName(n);
        if (name != null) {
            nodes.put(name, n);
        }
    }

    private void requireFree(String name, String owner, String what) {
        if (name.isEmpty()) {
            throw new IrException("graph '" + graph.name() + "': " + what + " name must be non-empty");
        }
        if (owner != null) {
            throw new IrException("graph '" + graph.name() + "': duplicate " + what + " name '" + name + "' (already used by "
                    + owner + ")");
        }
    }

    /**
     * The value that has a name.
     *
     * @param name the name
     * @return the value, if some value of the graph has that name
     */
    public Optional<Value> value(String name) {
        return Optional.ofNullable(values.get(name));
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
