package dev.asnet.exporter.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A computation graph: inputs, initializers, nodes in topological order, outputs.
 *
 * <p>Every node is checked when it is added: its op must be accepted by the graph's {@link
 * OpChecker}, its inputs must be live values of this graph available at the node's position (no
 * dangling values, no use before definition), and the op's check must accept its inputs and
 * attributes. Output types are inferred, never declared. The graph can be edited in place, in the
 * manner of onnx-ir: {@link Value#replaceAllUsesWith}, {@link #insertNodeBefore} and {@link
 * #insertNodeAfter}, {@link #removeNode}, {@link Node#replaceInput}, {@link
 * #removeUnusedInitializers}, {@link #replaceInitializerData}, {@link Value#rename} and {@link
 * Node#rename}. Each edit keeps producer and user links and the topological order consistent, or
 * refuses with an {@link IrException} naming the node or value, leaving the graph unchanged.
 */
public final class Graph {
    private final String name;
    private final OpChecker ops;
    private final NameAuthority names = new NameAuthority(this);
    private final List<Value> inputs = new ArrayList<>();
    private final List<Value> initializers = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<Value> outputs = new ArrayList<>();
    private int nextNodeSerial;

    /**
     * An empty graph.
     *
     * @param name the graph name
     * @param ops the operators nodes are checked against ({@code OpRegistry.standard()} for
     *     models)
     */
    public Graph(String name, OpChecker ops) {
        if (name == null || name.isEmpty()) {
            throw new IrException("graph name must be non-empty");
        }
        this.name = name;
        this.ops = Objects.requireNonNull(ops, "ops");
    }

    /**
     * The graph name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The operators this graph checks nodes against.
     *
     * @return the checker given at creation
     */
    public OpChecker ops() {
        return ops;
    }

    /**
     * The naming authority.
     *
     * @return the authority
     */
    public NameAuthority names() {
        return names;
    }

    /**
     * Adds a graph input.
     *
     * @param valueName the name (required: inputs are the model's interface)
     * @param dataType the element type
     * @param shape the shape; use a symbolic first dimension for a free batch size
     * @return the new value
     */
    public Value addInput(String valueName, DataType dataType, Shape shape) {
        Value v = new Value(this, Value.Kind.INPUT, new ValueType(dataType, shape), null, -1, null, null);
        v.setName(valueName);
        inputs.add(v);
        return v;
    }

    /**
     * Adds an initializer.
     *
     * @param valueName the name, or null to have one generated
     * @param data the constant data
     * @param role what the initializer is for
     * @return the new value
     */
    public Value addInitializer(String valueName, Tensor data, InitializerRole role) {
        Value v = new Value(this, Value.Kind.INITIALIZER, new ValueType(data.type(), data.shape()), null, -1,
                Objects.requireNonNull(data, "data"), Objects.requireNonNull(role, "role"));
        if (valueName != null) {
            v.setName(valueName);
        }
        initializers.add(v);
        return v;
    }

    /**
     * Adds a node at the end, after validating it and inferring its output types.
     *
     * @param domain the op domain ({@code ""} for standard ONNX)
     * @param opType the op type
     * @param nodeName the node name, or null to have one generated
     * @param nodeInputs the inputs in slot order (null for an omitted optional input)
     * @param attributes the explicitly set attributes
     * @return the new node; its outputs are unnamed until named or serialized
     * @throws IrException naming the node and the mismatch if anything is invalid
     */
    public Node addNode(String domain, String opType, String nodeName, List<Value> nodeInputs, List<Attribute> attributes) {
        return insertNode(nodes.size(), domain, opType, nodeName, nodeInputs, attributes);
    }

    /**
     * Adds a node just before another; its inputs must be available there.
     *
     * @param anchor a node of this graph
     * @param domain the op domain
     * @param opType the op type
     * @param nodeName the node name, or null
     * @param nodeInputs the inputs in slot order
     * @param attributes the explicitly set attributes
     * @return the new node
     * @throws IrException if the anchor is not a node of this graph, an input is produced at or
     *     after the anchor, or the node is invalid
     */
    public Node insertNodeBefore(Node anchor, String domain, String opType, String nodeName, List<Value> nodeInputs,
            List<Attribute> attributes) {
        return insertNode(position(anchor), domain, opType, nodeName, nodeInputs, attributes);
    }

    /**
     * Adds a node just after another; its inputs must be available there.
     *
     * @param anchor a node of this graph
     * @param domain the op domain
     * @param opType the op type
     * @param nodeName the node name, or null
     * @param nodeInputs the inputs in slot order
     * @param attributes the explicitly set attributes
     * @return the new node
     * @throws IrException if the anchor is not a node of this graph, an input is produced after
     *     the anchor, or the node is invalid
     */
    public Node insertNodeAfter(Node anchor, String domain, String opType, String nodeName, List<Value> nodeInputs,
            List<Attribute> attributes) {
        return insertNode(position(anchor) + 1, domain, opType, nodeName, nodeInputs, attributes);
    }

    private Node insertNode(int at, String domain, String opType, String nodeName, List<Value> nodeInputs,
            List<Attribute> attributes) {
        String who = Node.describe(opType, nodeName, nextNodeSerial);
        OpSignature schema = ops.find(domain, opType)
                .orElseThrow(() -> new IrException(who + ": unknown op '" + (domain.isEmpty() ? "" : domain + "::")
                        + opType + "' (not in the op registry)"));
        for (int i = 0; i < nodeInputs.size(); i++) {
            Value in = nodeInputs.get(i);
            if (in != null) {
                requireAvailable(who, "input " + i + " (" + schema.inputName(i) + ")", in, at);
            }
        }
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (Attribute a : attributes) {
            if (attrs.put(a.name(), a) != null) {
                throw new IrException(who + ": attribute '" + a.name() + "' is given twice");
            }
        }
        List<ValueType> outTypes = schema.check(who, Collections.unmodifiableList(new ArrayList<>(nodeInputs)),
                Collections.unmodifiableMap(attrs));
        Node node = new Node(this, schema, nodeInputs, attrs, nextNodeSerial);
        if (nodeName != null) {
            node.setName(nodeName);
        }
        nextNodeSerial++;
        for (int i = 0; i < outTypes.size(); i++) {
            node.addOutput(new Value(this, Value.Kind.NODE_OUTPUT, outTypes.get(i), node, i, null, null));
        }
        for (int i = 0; i < nodeInputs.size(); i++) {
            if (nodeInputs.get(i) != null) {
                nodeInputs.get(i).addUser(new Usage(node, i));
            }
        }
        nodes.add(at, node);
        return node;
    }

    /**
     * Checks a value can be read by a node placed at position {@code at}: it is a live value of
     * this graph and, if a node output, produced before that position.
     */
    private void requireAvailable(String who, String slot, Value in, int at) {
        if (in.graph() != this) {
            throw new IrException(who + ": " + slot + " is dangling: value " + in.describe() + " belongs to graph '"
                    + in.graph().name() + "', not to '" + name + "'");
        }
        if (in.isRemoved()) {
            throw new IrException(who + ": " + slot + " is dangling: value " + in.describe()
                    + " was removed from graph '" + name + "'");
        }
        // Appending needs no search: every live producer is already before the end.
        if (in.producer() != null && at < nodes.size() && position(in.producer()) >= at) {
            throw new IrException(who + ": " + slot + " " + in.describe() + " is produced by "
                    + in.producer().describe() + ", which does not come before the node's position; the node order must"
                    + " stay topological");
        }
    }

    /**
     * Where a node is in the node order.
     *
     * @param node a node of this graph
     * @return its index in {@link #nodes()}
     * @throws IrException if the node is not (or no longer) in this graph
     */
    public int position(Node node) {
        int i = node.graph() == this ? nodes.indexOf(node) : -1;
        if (i < 0) {
            throw new IrException("graph '" + name + "': " + node.describe() + " is not a node of this graph"
                    + (node.isRemoved() ? " (it was removed)" : ""));
        }
        return i;
    }

    /**
     * Removes a node. Its outputs must be unused: redirect their users first with {@link
     * Value#replaceAllUsesWith}. The node's names and its outputs' names become free.
     *
     * @param node a node of this graph
     * @throws IrException naming the node and the value if an output still has users or is a
     *     graph output
     */
    public void removeNode(Node node) {
        int at = position(node);
        for (Value out : node.outputs()) {
            if (!out.users().isEmpty()) {
                Usage u = out.users().get(0);
                throw new IrException("graph '" + name + "': cannot remove " + node.describe() + ": its output "
                        + out.describe() + " is still used by " + u.node().describe() + " (input " + u.inputIndex() + ")"
                        + (out.users().size() > 1 ? " and " + (out.users().size() - 1) + " more" : ""));
            }
            if (outputs.contains(out)) {
                throw new IrException("graph '" + name + "': cannot remove " + node.describe() + ": its output "
                        + out.describe() + " is a graph output");
            }
        }
        for (int i = 0; i < node.inputs().size(); i++) {
            Value in = node.inputs().get(i);
            if (in != null) {
                in.removeUser(new Usage(node, i));
            }
        }
        nodes.remove(at);
        for (Value out : node.outputs()) {
            names.releaseValueName(out);
            out.markRemoved();
        }
        names.releaseNodeName(node);
        node.markRemoved();
    }

    /**
     * Removes every initializer that no node reads and that is not a graph output; their names
     * become free.
     *
     * @return the removed initializers, in their former order
     */
    public List<Value> removeUnusedInitializers() {
        List<Value> removed = new ArrayList<>();
        Set<Value> out = new HashSet<>(outputs);
        for (Value v : initializers) {
            if (v.users().isEmpty() && !out.contains(v)) {
                removed.add(v);
            }
        }
        initializers.removeAll(removed);
        for (Value v : removed) {
            names.releaseValueName(v);
            v.markRemoved();
        }
        return removed;
    }

    /**
     * Gives an initializer new data of the same element type and shape; its users, name and role
     * stay. This is how trained values are put into a model.
     *
     * @param valueName the initializer's name
     * @param data the new data
     * @return the initializer
     * @throws IrException naming the initializer if no initializer has that name or the type or
     *     shape differ
     */
    public Value replaceInitializerData(String valueName, Tensor data) {
        Objects.requireNonNull(data, "data");
        Value v = names.value(valueName).filter(Value::isInitializer)
                .orElseThrow(() -> new IrException("graph '" + name + "': no initializer is named '" + valueName + "'"));
        if (data.type() != v.dataType() || !data.shape().equals(v.shape())) {
            throw new IrException("graph '" + name + "': initializer " + v.describe() + " cannot take data of type "
                    + data.type() + data.shape() + "; the element type and shape must stay");
        }
        v.setData(data);
        return v;
    }

    /**
     * Puts the initializers in a given order (serialization writes them in this order).
     *
     * @param order every initializer of this graph, each once
     * @throws IrException if the list is not a permutation of {@link #initializers()}
     */
    public void reorderInitializers(List<Value> order) {
        Set<Value> given = new HashSet<>(order);
        if (order.size() != initializers.size() || given.size() != order.size() || !given.containsAll(initializers)) {
            throw new IrException("graph '" + name + "': a new initializer order must list each of the " + initializers.size()
                    + " initializers once, but lists " + order.size() + " values (" + given.size() + " distinct)");
        }
        initializers.clear();
        initializers.addAll(order);
    }

    /** Redirects users and graph-output slots of {@code old} to {@code replacement}. */
    void replaceAllUses(Value old, Value replacement) {
        requireLive(old);
        String who = "graph '" + name + "': cannot replace " + old.describe() + " by " + replacement.describe();
        if (replacement.graph() != this || replacement.isRemoved()) {
            throw new IrException(who + ": the replacement is not a live value of this graph");
        }
        if (replacement == old) {
            return;
        }
        if (!replacement.type().equals(old.type())) {
            throw new IrException(who + ": the types differ, and every user was checked against " + old.type());
        }
        if (replacement.producer() != null && !old.users().isEmpty()) {
            int produced = position(replacement.producer());
            for (Usage u : old.users()) {
                if (position(u.node()) <= produced) {
                    throw new IrException(who + ": its user " + u.node().describe() + " comes before the replacement's"
                            + " producer " + replacement.producer().describe() + "; the node order must stay topological");
                }
            }
        }
        if (outputs.contains(old) && outputs.contains(replacement)) {
            throw new IrException(who + ": both are graph outputs");
        }
        for (Usage u : new ArrayList<>(old.users())) {
            u.node().setInputSlot(u.inputIndex(), replacement);
            old.removeUser(u);
            replacement.addUser(u);
        }
        int slot = outputs.indexOf(old);
        if (slot >= 0) {
            outputs.set(slot, replacement);
        }
    }

    /** Implements {@link Node#replaceInput}. */
    void replaceInput(Node node, int slot, Value value) {
        int at = position(node);
        String who = node.describe();
        if (slot < 0 || slot > node.inputs().size()) {
            throw new IrException(who + ": input slot " + slot + " does not exist (the node has " + node.inputs().size()
                    + " inputs)");
        }
        if (value != null) {
            requireAvailable(who, "input " + slot + " (" + node.schema().inputName(slot) + ")", value, at);
        }
        List<Value> newInputs = new ArrayList<>(node.inputs());
        if (slot == newInputs.size()) {
            newInputs.add(value);
        } else {
            newInputs.set(slot, value);
        }
        List<ValueType> outTypes = node.schema().check(who, Collections.unmodifiableList(newInputs), node.attributes());
        for (int i = 0; i < node.outputs().size(); i++) {
            if (!outTypes.get(i).equals(node.outputs().get(i).type())) {
                throw new IrException(who + ": with input " + slot + " = " + (value == null ? "(omitted)" : value.describe())
                        + " output " + i + " would be " + outTypes.get(i) + " instead of " + node.outputs().get(i).type());
            }
        }
        Value old = node.input(slot);
        if (old != null) {
            old.removeUser(new Usage(node, slot));
        }
        node.setInputSlot(slot, value);
        if (value != null) {
            value.addUser(new Usage(node, slot));
        }
    }

    void requireLive(Value v) {
        if (v.isRemoved()) {
            throw new IrException("graph '" + name + "': " + v.describe() + " was removed from the graph");
        }
    }

    void requireLive(Node n) {
        if (n.isRemoved()) {
            throw new IrException("graph '" + name + "': " + n.describe() + " was removed from the graph");
        }
    }

    /**
     * A deep copy: same name, op checker, inputs, initializers (the immutable tensors are shared),
     * nodes, outputs and names (unnamed values stay unnamed). Edits to the copy leave this graph
     * alone.
     *
     * @return the copy
     */
    public Graph copy() {
        return copy(ops);
    }

    /**
     * A deep copy, as {@link #copy()}, whose nodes are checked against another op checker: for a
     * pass that adds ops the source graph's checker does not know (a quantized graph's
     * {@code dev.asnet::ActiveShiftU8}, for instance).
     *
     * @param checker the copy's op checker; it must accept every node of this graph
     * @return the copy
     * @throws IrException naming the node if the checker refuses one
     */
    public Graph copy(OpChecker checker) {
        Graph c = new Graph(name, checker);
        Map<Value, Value> map = new HashMap<>();
        for (Value in : inputs) {
            map.put(in, c.addInput(in.name(), in.dataType(), in.shape()));
        }
        for (Value init : initializers) {
            map.put(init, c.addInitializer(init.name(), init.data(), init.role()));
        }
        copyNodesInto(c, map, (n, ins) -> {
            Node copy = c.addNode(n.domain(), n.opType(), n.name(), ins, new ArrayList<>(n.attributes().values()));
            for (int i = 0; i < n.outputs().size(); i++) {
                if (n.outputs().get(i).name() != null) {
                    copy.outputs().get(i).setName(n.outputs().get(i).name());
                }
            }
            return copy.outputs();
        });
        for (Value out : outputs) {
            c.addOutput(map.get(out));
        }
        return c;
    }

    /**
     * Copies every node, in order, into another graph. This is the one node-copy loop of the IR:
     * {@link #copy()} uses it, and so do callers that derive a different graph from this one.
     *
     * @param target the graph to add nodes to
     * @param map this graph's values to the target's: must hold every input and initializer a
     *     node reads; each copied node's outputs are added to it
     * @param copier adds the target form of each node
     * @throws IrException naming the node if it reads a value that is not mapped, or if the copier
     *     returns the wrong number of outputs
     */
    public void copyNodesInto(Graph target, Map<Value, Value> map, NodeCopier copier) {
        for (Node n : nodes) {
            List<Value> ins = new ArrayList<>(n.inputs().size());
            for (Value v : n.inputs()) {
                Value m = v == null ? null : map.get(v);
                if (v != null && m == null) {
                    throw new IrException(n.describe() + " reads " + v.describe() + ", which is not bound");
                }
                ins.add(m);
            }
            List<Value> outs = copier.copy(n, ins);
            if (outs.size() != n.outputs().size()) {
                throw new IrException(n.describe() + ": copied into graph '" + target.name() + "' with " + outs.size()
                        + " outputs instead of " + n.outputs().size());
            }
            for (int i = 0; i < outs.size(); i++) {
                map.put(n.outputs().get(i), outs.get(i));
            }
        }
    }

    /**
     * Checks every invariant the edits maintain: each node's inputs are live values of this graph
     * produced earlier, each use is recorded in the used value's user list (and nothing else is),
     * outputs and initializers are live. Edits keep these by construction; tests and passes under
     * development call this to prove it.
     *
     * @throws IrException naming the first broken invariant
     */
    public void checkConsistency() {
        Map<Value, List<Usage>> expected = new HashMap<>();
        Set<Value> available = new HashSet<>(inputs);
        available.addAll(initializers);
        for (Node n : nodes) {
            if (n.graph() != this || n.isRemoved()) {
                throw new IrException("graph '" + name + "': " + n.describe() + " is listed but not live");
            }
            for (int i = 0; i < n.inputs().size(); i++) {
                Value v = n.inputs().get(i);
                if (v == null) {
                    continue;
                }
                if (!available.contains(v)) {
                    throw new IrException("graph '" + name + "': " + n.describe() + " input " + i + " " + v.describe()
                            + " is not available before it");
                }
                expected.computeIfAbsent(v, k -> new ArrayList<>()).add(new Usage(n, i));
            }
            available.addAll(n.outputs());
        }
        for (Value v : available) {
            Set<Usage> want = new HashSet<>(expected.getOrDefault(v, List.of()));
            if (!want.equals(new HashSet<>(v.users())) || want.size() != v.users().size()) {
                throw new IrException("graph '" + name + "': user list of " + v.describe() + " is " + v.users()
                        + " but the nodes read it as " + want);
            }
        }
        for (Value v : outputs) {
            if (!available.contains(v)) {
                throw new IrException("graph '" + name + "': output " + v.describe() + " is not a live value");
            }
        }
    }

    /**
     * Marks a value as a graph output.
     *
     * @param v a value of this graph
     * @return the value
     * @throws IrException if the value belongs to another graph or is already an output
     */
    public Value addOutput(Value v) {
        requireLive(v);
        if (v.graph() != this) {
            throw new IrException("graph '" + name + "': output " + v.describe() + " is dangling: it belongs to graph '"
                    + v.graph().name() + "'");
        }
        if (outputs.contains(v)) {
            throw new IrException("graph '" + name + "': " + v.describe() + " is already an output");
        }
        outputs.add(v);
        return v;
    }

    /**
     * Graph inputs, in order.
     *
     * @return an unmodifiable view
     */
    public List<Value> inputs() {
        return Collections.unmodifiableList(inputs);
    }

    /**
     * Initializers, in the order added.
     *
     * @return an unmodifiable view
     */
    public List<Value> initializers() {
        return Collections.unmodifiableList(initializers);
    }

    /**
     * Nodes in topological (creation) order.
     *
     * @return an unmodifiable view
     */
    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /**
     * Graph outputs, in order.
     *
     * @return an unmodifiable view
     */
    public List<Value> outputs() {
        return Collections.unmodifiableList(outputs);
    }

    /**
     * Names every unnamed node and value (see {@link NameAuthority}). Serialization calls this;
     * names are deterministic for a given construction order.
     */
    public void assignNames() {
        names.nameAll();
    }

    /**
     * Checks the graph is complete: at least one output; every output of this graph.
     *
     * @throws IrException if the graph cannot be serialized
     */
    public void validate() {
        if (outputs.isEmpty()) {
            throw new IrException("graph '" + name + "' has no outputs; call addOutput");
        }
        if (inputs.isEmpty() && nodes.isEmpty()) {
            throw new IrException("graph '" + name + "' is empty");
        }
    }
}
