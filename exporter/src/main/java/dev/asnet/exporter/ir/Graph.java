package dev.asnet.exporter.ir;

import dev.asnet.exporter.ops.NodeContext;
import dev.asnet.exporter.ops.OpRegistry;
import dev.asnet.exporter.ops.OpSchema;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A computation graph: inputs, initializers, nodes in topological order, outputs.
 *
 * <p>Every node is checked when it is added: its op must be registered, its inputs must be values
 * of this graph (no dangling values), its attributes must be known to the schema with the right
 * types, and the schema's shape inference must accept the input types. Output types are inferred,
 * never declared. Since a node can only consume values that already exist, the node list is
 * always in topological order.
 */
public final class Graph {
    private final String name;
    private final OpRegistry registry;
    private final NameAuthority names = new NameAuthority(this);
    private final List<Value> inputs = new ArrayList<>();
    private final List<Value> initializers = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final List<Value> outputs = new ArrayList<>();

    /**
     * An empty graph using the standard op registry.
     *
     * @param name the graph name
     */
    public Graph(String name) {
        this(name, OpRegistry.standard());
    }

    /**
     * An empty graph.
     *
     * @param name the graph name
     * @param registry the op schemas nodes are validated against
     */
    public Graph(String name, OpRegistry registry) {
        if (name == null || name.isEmpty()) {
            throw new IrException("graph name must be non-empty");
        }
        this.name = name;
        this.registry = Objects.requireNonNull(registry, "registry");
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
     * The op schemas this graph validates against.
     *
     * @return the registry
     */
    public OpRegistry registry() {
        return registry;
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
     * Adds a node after validating it and inferring its output types.
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
        String who = Node.describe(opType, nodeName, nodes.size());
        OpSchema schema = registry.find(domain, opType)
                .orElseThrow(() -> new IrException(who + ": unknown op '" + (domain.isEmpty() ? "" : domain + "::")
                        + opType + "' (not in the op registry)"));
        for (int i = 0; i < nodeInputs.size(); i++) {
            Value in = nodeInputs.get(i);
            if (in != null && in.graph() != this) {
                throw new IrException(who + ": input " + i + " (" + schema.inputName(i) + ") is dangling: value "
                        + in.describe() + " belongs to graph '" + in.graph().name() + "', not to '" + name + "'");
            }
        }
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (Attribute a : attributes) {
            if (attrs.put(a.name(), a) != null) {
                throw new IrException(who + ": attribute '" + a.name() + "' is given twice");
            }
        }
        List<ValueType> outTypes = schema.check(new NodeContext(who, schema, nodeInputs, attrs));
        Node node = new Node(this, schema, nodeInputs, attrs, nodes.size());
        if (nodeName != null) {
            node.setName(nodeName);
        }
        for (int i = 0; i < outTypes.size(); i++) {
            node.addOutput(new Value(this, Value.Kind.NODE_OUTPUT, outTypes.get(i), node, i, null, null));
        }
        for (int i = 0; i < nodeInputs.size(); i++) {
            if (nodeInputs.get(i) != null) {
                nodeInputs.get(i).addUser(new Usage(node, i));
            }
        }
        nodes.add(node);
        return node;
    }

    /**
     * Marks a value as a graph output.
     *
     * @param v a value of this graph
     * @return the value
     * @throws IrException if the value belongs to another graph or is already an output
     */
    public Value addOutput(Value v) {
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
